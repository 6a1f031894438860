"""One module per provider exposing `add_cmd`, the `tactful installations add <provider>` command."""
