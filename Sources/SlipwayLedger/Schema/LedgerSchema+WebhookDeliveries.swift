extension LedgerSchema {
    /// Version 4: the webhook deliveries `slipway serve` acted on, one row per provider and
    /// delivery id, so a delivery sent again (the provider's redelivery, or a captured request
    /// replayed) is recognised and does nothing new. A delivery only ever asks the watcher to poll;
    /// the runs it led to are in `runs` (trigger `webhook`).
    static let webhookDeliveries = Migration(version: 4, name: "webhook deliveries", statements: [
        """
        CREATE TABLE webhook_deliveries (
            provider      text NOT NULL CHECK (provider IN ('github', 'gitlab')),
            delivery_id   text NOT NULL CHECK (length(delivery_id) BETWEEN 1 AND 200),
            event         text NOT NULL,
            ref           text,
            outcome       text NOT NULL CHECK (outcome IN ('triggered', 'ignored', 'pong')),
            body_digest   text NOT NULL CHECK (body_digest ~ '^sha256:[0-9a-f]{64}$'),
            received_at   timestamptz NOT NULL,
            PRIMARY KEY (provider, delivery_id)
        )
        """,
        "CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at DESC)",
    ])
}
