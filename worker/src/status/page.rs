//! `GET /status`: the report drawn as one HTML page with inline SVG plots.
//!
//! Nothing on it is fetched from elsewhere and nothing runs on it: no
//! script, no font, no image, no third-party anything. The stylesheet is
//! inline and allowed by its hash in the `Content-Security-Policy`
//! ([`content_security_policy`]), which forbids everything else, so a value
//! that slipped through escaping still could not load or run anything.
//! Every value is escaped by maud. Window and app are plain links
//! (`?window=day&app=…`), so the page works without JavaScript.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::report::{utc, GroupTotals, Report, Window, WindowReport, ALWAYS_PLOTTED, OUTCOMES};

/// The page's stylesheet, inline.
const CSS: &str = include_str!("page.css");

/// Plot size in SVG units.
const W: f64 = 300.0;
const TOP: f64 = 14.0;
const BARS: f64 = 62.0;
const H: f64 = 92.0;

/// The `Content-Security-Policy` of the page: nothing but its own inline
/// stylesheet, allowed by its SHA-256 (written out, and checked by a test
/// against `page.css`), and the empty `data:` icon; no script, connection,
/// frame or form.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; \
    style-src 'sha256-DFUFZfyeIXummjhlYErmUwn0hRkuYPiChnLghaD84DU='; img-src data:; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A link to the page (`/status`, or `/status.json`) for a window and,
/// optionally, one app.
fn link(path: &str, window: Window, app: Option<&str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("window", window.name());
    if let Some(app) = app {
        query.append_pair("app", app);
    }
    format!("{path}?{}", query.finish())
}

/// `hh:mm` (hour window) or `mm-dd hh:00` (day, week) of `ms`.
fn bucket_label(window: Window, ms: u64) -> String {
    let t = utc(ms);
    match (window, t.get(5..10), t.get(11..16)) {
        (Window::Hour, _, Some(hm)) => hm.to_string(),
        (_, Some(md), Some(hm)) => format!("{md} {}h", &hm[..2]),
        _ => t,
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.1} %", r * 100.0))
}

fn per(window: Window) -> &'static str {
    match window {
        Window::Hour => "min",
        Window::Day | Window::Week => "h",
    }
}

/// One outcome's plot: a bar per bucket, its peak and its span.
fn plot(window: Window, w: &WindowReport, outcome: &str) -> Markup {
    let counts = w.series.get(outcome).map(Vec::as_slice).unwrap_or(&[]);
    let total: u64 = counts.iter().sum();
    let peak = counts.iter().copied().max().unwrap_or(0);
    let slot = W / counts.len().max(1) as f64;
    let bar = (slot * 0.8).max(0.8);
    let end_ms = w.start_ms + w.bucket_ms * counts.len() as u64;
    let label = format!(
        "{outcome} per {}, last {}: {total} in all, at most {peak} in one {}",
        w.bucket,
        window.name(),
        w.bucket
    );
    html! {
        figure data-outcome=(outcome) data-total=(total) {
            figcaption {
                span { span class={"swatch o-" (outcome)} {} (outcome) }
                b { (total) }
            }
            svg viewBox={"0 0 " (W) " " (H)} role="img" aria-label=(label) {
                line.gridline x1="0" y1=(TOP) x2=(W) y2=(TOP) {}
                line.axis x1="0" y1=(TOP + BARS) x2=(W) y2=(TOP + BARS) {}
                text x="0" y="9" { "peak " (peak) "/" (per(window)) }
                @for (i, &count) in counts.iter().enumerate() {
                    @if count > 0 {
                        @let height = ((count as f64 / peak as f64) * BARS).max(1.0);
                        rect class={"o-" (outcome)} data-count=(count)
                            x=(format!("{:.2}", i as f64 * slot)) y=(format!("{:.2}", TOP + BARS - height))
                            width=(format!("{bar:.2}")) height=(format!("{height:.2}")) {
                            title { (bucket_label(window, w.start_ms + w.bucket_ms * i as u64)) " UTC: " (count) " " (outcome) }
                        }
                    }
                }
                text x="0" y=(H - 2.0) { (bucket_label(window, w.start_ms)) }
                text x=(W) y=(H - 2.0) text-anchor="end" { (bucket_label(window, end_ms)) " UTC" }
            }
        }
    }
}

/// The table of totals per app, or per app and `eventName`.
fn groups(window: Window, rows: &[GroupTotals], with_event: bool) -> Markup {
    const SHOWN: [&str; 5] = [
        "delivered",
        "queued",
        "rejected",
        "invalid",
        "dead_lettered",
    ];
    html! {
        @if rows.is_empty() {
            p.quiet { "None in this window." }
        } @else {
            div.scroll { table {
                thead { tr {
                    th { "app" } @if with_event { th { "event" } }
                    th.n { "delivered" } th.n.wide { "queued" } th.n { "rejected" }
                    th.n { "invalid" } th.n { "dead-lettered" } th.n.wide { "other" } th.n { "rate" }
                } }
                tbody { @for g in rows {
                    @let get = |o: &str| g.totals.get(o).copied().unwrap_or(0);
                    @let shown: u64 = SHOWN.iter().map(|o| get(o)).sum();
                    tr {
                        td.id { @if g.app_id.is_empty() { span.quiet { "(refused tokens: no app)" } }
                             @else { a href=(link("/status", window, Some(&g.app_id))) { code { (g.app_id) } } } }
                        @if with_event { td.id { code { (g.event_name.as_deref().filter(|e| !e.is_empty()).unwrap_or("—")) } } }
                        @for outcome in SHOWN { td.n.wide[outcome == "queued"] { (get(outcome)) } }
                        td.n.wide { (g.totals.values().sum::<u64>() - shown) }
                        td.n { (percent(g.delivery_rate)) }
                    }
                } }
            } }
        }
    }
}

fn card(label: &str, value: String, warn: bool) -> Markup {
    html! {
        div.card.warn[warn] { b { (value) } span { (label) } }
    }
}

/// The whole page for one window of the report.
pub fn render(report: &Report, window: Window) -> String {
    let w = report.windows.get(window);
    let app = report.app.as_deref();
    let total = |o: &str| w.totals.get(o).copied().unwrap_or(0);
    let all_events: u64 = w.totals.values().sum();
    let plotted: Vec<&str> = OUTCOMES
        .iter()
        .copied()
        .filter(|o| ALWAYS_PLOTTED.contains(o) || total(o) > 0)
        .collect();
    let quiet: Vec<&str> = OUTCOMES
        .iter()
        .copied()
        .filter(|o| !plotted.contains(o))
        .collect();
    let flush_s = report.flush_interval_ms as f64 / 1000.0;
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex, nofollow";
                meta name="referrer" content="no-referrer";
                title { "appsflyer-s2s status" @if let Some(app) = app { " · " (app) } }
                link rel="icon" href="data:,";
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { "appsflyer-s2s status" }
                    p.meta {
                        "Generated " (utc(report.generated_at_ms).get(..19).unwrap_or("")) " UTC · "
                        @match app {
                            Some(app) => { "app " code { (app) } " · " a href=(link("/status", window, None)) { "all apps" } }
                            None => { "all apps" }
                        }
                    }
                    nav aria-label="window" {
                        span.label { "Last" }
                        @for other in Window::ALL {
                            @if other == window {
                                span.on { (other.name()) }
                            } @else {
                                a href=(link("/status", other, app)) { (other.name()) }
                            }
                        }
                    }
                }
                main {
                    section.cards aria-label="totals" {
                        (card("delivery rate", percent(w.delivery_rate), w.delivery_rate.is_some_and(|r| r < 0.95)))
                        (card("delivered", total("delivered").to_string(), false))
                        (card("queued for retry", total("queued").to_string(), false))
                        (card("rejected by AppsFlyer", total("rejected").to_string(), total("rejected") > 0))
                        (card("invalid", total("invalid").to_string(), false))
                        (card("dead-lettered", total("dead_lettered").to_string(), total("dead_lettered") > 0))
                        (card("retries pending (est.)", report.retries_pending.to_string(), false))
                    }
                    @if all_events == 0 {
                        p.quiet { "Nothing was counted in the last " (window.name()) " yet. Counts reach this page within "
                            (flush_s) " s of an event." }
                    }
                    h2 { "Outcomes per " (w.bucket) ", last " (window.name()) }
                    div.plots { @for outcome in &plotted { (plot(window, w, outcome)) } }
                    @if !quiet.is_empty() {
                        p.quiet { "None in this window: " (quiet.join(", ")) "." }
                    }
                    h2 { "Top rejection reasons and error codes" }
                    @if w.reasons.is_empty() {
                        p.quiet { "None in this window." }
                    } @else {
                        div.scroll { table {
                            thead { tr { th { "outcome" } th { "reason or error code" } th.n { "count" } } }
                            tbody { @for r in &w.reasons {
                                tr { td.nw { span class={"swatch o-" (r.outcome)} {} (r.outcome) } td { code { (r.reason) } } td.n { (r.count) } }
                            } }
                        } }
                    }
                    h2 { "By app" }
                    (groups(window, &w.apps, false))
                    h2 { "By event" }
                    (groups(window, &w.events, true))
                    h2 { "Samples: rejected, invalid and dead-lettered events" }
                    @if report.samples.is_empty() {
                        p.quiet { "None kept." }
                    } @else {
                        p.quiet { @if app.is_some() { "The last 100 of each kind for this app, newest first." }
                                  @else { "The newest 100 of all apps; open an app for the last 100 of each kind." } }
                        div.scroll { table {
                            thead { tr { th { "time (UTC)" } th { "app" } th { "event" } th { "outcome" }
                                         th { "status or errors" } th { "answer" } th.wide { "route" } th { "body sent" } } }
                            tbody { @for sample in &report.samples {
                                tr {
                                    td.when { (utc(sample.at_ms).get(..10).unwrap_or("")) br; (utc(sample.at_ms).get(11..19).unwrap_or("")) }
                                    td.id { code { (sample.app_id) } }
                                    td.id { code { (sample.event_name.as_deref().unwrap_or("—")) } }
                                    td.nw { span class={"swatch o-" (sample.outcome)} {} (sample.outcome)
                                         @if sample.ambiguous { " (ambiguous)" } }
                                    td {
                                        @if let Some(status) = sample.upstream_status { (status) " " }
                                        @if let Some(why) = &sample.dead_letter_reason { code { (why) } " " }
                                        @for e in &sample.errors {
                                            code { (if e.field.is_empty() { "(body)" } else { &e.field }) ": " (e.code) } " "
                                        }
                                    }
                                    td { @if let Some(reason) = &sample.reason { (reason) } }
                                    td.wide { (sample.route) " #" (sample.attempt)
                                              @if let Some(caller) = &sample.caller { br; span.quiet { (caller) } } }
                                    td { @match &sample.body {
                                        Some(body) => { details { summary { (body.len()) " bytes" } pre { (body) } } }
                                        None => { span.quiet { "—" } }
                                    } }
                                }
                            } }
                        } }
                    }
                }
                footer {
                    p { "Each Worker isolate adds up its events and sends them here every " (flush_s)
                        " s, so the newest counts can be that late, and an isolate that stops loses at most its last "
                        (flush_s) " s of counts. Kept 30 days. "
                        "Delivery rate: delivered ÷ (delivered + rejected + invalid + dead-lettered). "
                        "Retries pending: events that entered the retry queue in the last 7 days minus those that left it (an estimate; "
                        code { "wrangler queues info" } " gives the queue's own count). "
                        code { "queued" } " counts events entering the retry queue, " code { "retried" } " attempts from it that failed again. "
                        "Samples show field names and codes, and the body AppsFlyer got with PII already hashed; never a value of an invalid event, a key or a token." }
                    p { a href=(link("/status.json", window, app)) { "This data as JSON" } }
                }
            }
        }
    };
    markup.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::counts::{Sample, SampleError};
    use crate::status::report::{BucketCount, GroupCount, ReasonCount, WindowReport, Windows};
    use base64::Engine;
    use sha2::{Digest, Sha256};

    const NOW: u64 = 1_800_000_123_456;

    fn report(app: Option<&str>) -> Report {
        let first = Window::Hour.first_bucket(NOW);
        let rows = vec![
            BucketCount {
                bucket: first + 58,
                outcome: "delivered".into(),
                n: 7,
            },
            BucketCount {
                bucket: first + 59,
                outcome: "delivered".into(),
                n: 3,
            },
            BucketCount {
                bucket: first + 59,
                outcome: "rejected".into(),
                n: 2,
            },
            BucketCount {
                bucket: first + 59,
                outcome: "held".into(),
                n: 1,
            },
        ];
        let group = |event_name: Option<&str>| GroupCount {
            app_id: "<b>app</b>".into(),
            event_name: event_name.map(str::to_string),
            outcome: "delivered".into(),
            n: 10,
        };
        let apps = vec![group(None)];
        let events = vec![group(Some("<i>af</i>"))];
        let reasons = vec![ReasonCount {
            outcome: "rejected".into(),
            reason: "400 <script>x</script>".into(),
            count: 2,
        }];
        let hour = WindowReport::assemble(Window::Hour, NOW, &rows, reasons, &apps, &events);
        let empty = |w| WindowReport::assemble(w, NOW, &[], Vec::new(), &[], &[]);
        Report {
            generated_at: "".into(),
            generated_at_ms: NOW,
            app: app.map(str::to_string),
            flush_interval_ms: 5000,
            windows: Windows {
                hour,
                day: empty(Window::Day),
                week: empty(Window::Week),
            },
            retries_pending: 3,
            apps: vec!["<b>app</b>".into()],
            samples: vec![Sample {
                at: None,
                at_ms: NOW,
                app_id: "<b>app</b>".into(),
                event_name: Some("<img src=x onerror=alert(1)>".into()),
                outcome: "invalid".into(),
                route: "inappevent".into(),
                caller: Some("web-shop".into()),
                attempt: 0,
                upstream_status: None,
                reason: None,
                dead_letter_reason: None,
                ambiguous: false,
                errors: vec![SampleError {
                    field: "email".into(),
                    code: "invalid_email".into(),
                }],
                body: None,
            }],
        }
    }

    #[test]
    fn plots_carry_the_counts() {
        let html = render(&report(None), Window::Hour);
        assert!(
            html.contains(r#"data-outcome="delivered" data-total="10""#),
            "{html}"
        );
        assert!(html.contains(r#"data-count="7""#) && html.contains(r#"data-count="3""#));
        assert!(html.contains(r#"data-outcome="rejected" data-total="2""#));
        // `held` is plotted once it happened; outcomes that did not are listed.
        assert!(html.contains(r#"data-outcome="held" data-total="1""#));
        assert!(html.contains("None in this window: forbidden,"));
        assert!(html.contains("83.3 %"), "the delivery rate: 10 of 12");
    }

    #[test]
    fn every_value_is_escaped() {
        let html = render(&report(Some("<b>app</b>")), Window::Hour);
        for raw in [
            "<b>app</b>",
            "<script>x</script>",
            "<img src=x",
            "<i>af</i>",
        ] {
            assert!(!html.contains(raw), "{raw} reached the page unescaped");
        }
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(
            html.contains("window=day&amp;app=%3Cb%3Eapp%3C%2Fb%3E"),
            "links encode the app id"
        );
    }

    #[test]
    fn nothing_is_loaded_from_elsewhere_and_the_style_matches_the_policy() {
        let html = render(&report(None), Window::Hour);
        for external in ["http://", "https://", "<script", "src=", "@import", "url("] {
            let outside_samples = html.replace("&lt;img src=x", "");
            assert!(
                !outside_samples.contains(external),
                "{external} on the page"
            );
        }
        let style = html
            .split("<style>")
            .nth(1)
            .unwrap()
            .split("</style>")
            .next()
            .unwrap();
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
        assert!(
            CONTENT_SECURITY_POLICY.contains(&format!("style-src 'sha256-{hash}';")),
            "page.css changed: its hash in CONTENT_SECURITY_POLICY is now sha256-{hash}"
        );
        assert!(CONTENT_SECURITY_POLICY.starts_with("default-src 'none';"));
    }

    #[test]
    fn other_windows_link_back() {
        let html = render(&report(None), Window::Week);
        assert!(html.contains(r#"<span class="on">week</span>"#));
        assert!(html.contains(r#"href="/status?window=hour""#));
        assert!(html.contains("Nothing was counted in the last week yet"));
    }
}
