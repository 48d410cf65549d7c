-- The orders table for SQLite; build-db.mjs turns it into orders.db.
CREATE TABLE IF NOT EXISTS orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer TEXT NOT NULL,
  item TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  status TEXT NOT NULL DEFAULT 'new',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO orders (customer, item, quantity, status) VALUES
  ('ada', 'keyboard', 1, 'shipped'),
  ('grace', 'monitor', 2, 'new');
