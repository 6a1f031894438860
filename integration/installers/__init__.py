"""Per-helpdesk install steps (verify credentials, store the installation, provision
webhooks and rules), shared by the OAuth callback, the marketplace endpoints, the
sandbox and `tactful installations add`. May import connectors, the store and the
runtime accessors; never the app factory, the web layer or the CLI."""
