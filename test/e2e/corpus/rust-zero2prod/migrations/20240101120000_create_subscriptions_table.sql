CREATE TABLE subscriptions(
   id uuid NOT NULL DEFAULT gen_random_uuid(),
   PRIMARY KEY (id),
   email TEXT NOT NULL UNIQUE,
   name TEXT NOT NULL,
   subscribed_at timestamptz NOT NULL
);
