/// What memory mode prints on start: where it listens, the admin key, and two commands to try.
enum MemoryModeBanner {
    static func text(configuration: BatonConfiguration, adminKeyWasGenerated: Bool) -> String {
        let base = configuration.publicURL
        let adminKey = configuration.adminKey ?? "<BATON_ADMIN_KEY>"
        let keyLine = adminKeyWasGenerated ? "admin key (generated for this run): \(adminKey)" : "admin key: the value of BATON_ADMIN_KEY"
        return """

            ============================================================================
             Baton is running IN MEMORY: all data is lost when it exits.
             Listening on http://\(configuration.host):\(configuration.port)  (issuer base \(base))
             Master key: generated for this run only (ephemeral, never printed).
             \(keyLine)
             Tenant 'demo' is ready, with public client 'demo-app' and user 'demo'
             (password for this run: \(configuration.demoPassword ?? "-")). Try:

               curl -s \(base)/t/demo/.well-known/jwks.json

               # log in, then spend the refresh token (each refresh token works once)
               curl -s -H 'Content-Type: application/json' \\
                    -d '{"client_id": "demo-app", "username": "demo", "password": "\(configuration.demoPassword ?? "-")"}' \(base)/t/demo/login
               curl -s -d grant_type=refresh_token -d client_id=demo-app \\
                    --data-urlencode refresh_token=<refresh_token from the login answer> \(base)/t/demo/oauth/token

               curl -s -H 'Authorization: Bearer \(adminKey)' \\
                    -H 'Content-Type: application/json' \\
                    -d '{"id": "acme", "display_name": "Acme"}' \(base)/admin/v1/tenants
            ============================================================================

            """
    }
}
