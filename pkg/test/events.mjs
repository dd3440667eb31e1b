// The typical event of the package's benchmarks (the same as the core's native
// bench, benches/build_event.rs): raw email, phone and names to hash, an
// eventValue object, a Date to convert. `i` varies the values a little.
export function typical(i) {
  return {
    appsflyer_id: '1415211453000-6513894',
    eventName: 'af_purchase',
    eventValue: { af_revenue: '19.99', af_content_id: `sku-${1000 + (i % 100)}`, af_quantity: 2 },
    eventCurrency: 'USD',
    eventTime: new Date(Date.UTC(2024, 4, 15, 12, 17, 1, 123) + i),
    ip: '192.0.2.10',
    email: ` John_Smith${i % 100}@Gmail.com `,
    phone_number: `(650) 555-${String(1000 + (i % 100)).padStart(4, '0')}`,
    first_name: 'Valéry',
    last_name: 'Smith',
    os: '17.4.1',
    bundleIdentifier: 'com.example.shop',
  };
}
