import BatonCore
import Testing

@Suite("Tenant settings validation")
struct TenantSettingsPolicyTests {
    @Test("the defaults are valid and match API.md")
    func defaults() throws {
        let settings = try TenantSettingsPatch().applied(to: .default)
        #expect(settings.accessTokenTTL == 900)
        #expect(settings.refreshIdleTTL == 14 * 86_400)
        #expect(settings.refreshAbsoluteTTL == 90 * 86_400)
        #expect(settings.reuseGrace == 10)
        #expect(settings.signingAlgorithm == .es256)
        #expect(settings.keyRotationInterval == 30 * 86_400)
        #expect(settings.jwksMaxAge == 600)
        #expect(settings.allowSignup == false)
        #expect(settings.audiences.isEmpty)
    }

    @Test(
        "each out-of-range value is rejected with a message naming the setting",
        arguments: [
            (TenantSettingsPatch(accessTokenTTL: 59), "access_token_ttl"),
            (TenantSettingsPatch(accessTokenTTL: 86_401), "access_token_ttl"),
            (TenantSettingsPatch(refreshIdleTTL: 0), "refresh_idle_ttl"),
            (TenantSettingsPatch(refreshAbsoluteTTL: -1), "refresh_absolute_ttl"),
            (TenantSettingsPatch(reuseGrace: -1), "reuse_grace"),
            (TenantSettingsPatch(reuseGrace: 301), "reuse_grace"),
            (TenantSettingsPatch(keyRotationInterval: 60), "key_rotation_interval"),
            (TenantSettingsPatch(keyRotationInterval: -5), "key_rotation_interval"),
            (TenantSettingsPatch(jwksMaxAge: -1), "jwks_max_age"),
            (TenantSettingsPatch(refreshIdleTTL: 100_000, refreshAbsoluteTTL: 99_999), "refresh_idle_ttl"),
            (TenantSettingsPatch(keyRotationInterval: 3_600, jwksMaxAge: 3_600), "key_rotation_interval"),
            (TenantSettingsPatch(audiences: ["a b"]), "audience"),
            (TenantSettingsPatch(audiences: [""]), "audience"),
            (TenantSettingsPatch(audiences: ["x\u{0}y"]), "audience"),
            (TenantSettingsPatch(audiences: ["api", "api"]), "audiences"),
            (TenantSettingsPatch(audiences: (0...20).map { "aud\($0)" }), "audiences"),
        ]
    )
    func rejects(_ patch: TenantSettingsPatch, _ setting: String) {
        do {
            _ = try patch.applied(to: .default)
            Issue.record("expected \(setting) to be rejected")
        } catch {
            #expect(error.kind == .invalidInput)
            #expect(error.message.contains(setting), "message was: \(error.message)")
        }
    }

    @Test("0 turns scheduled rotation off and reuse grace off")
    func zeroTurnsOff() throws {
        let settings = try TenantSettingsPatch(reuseGrace: 0, keyRotationInterval: 0).applied(to: .default)
        #expect(settings.keyRotationInterval == 0)
        #expect(settings.reuseGrace == 0)
    }

    @Test("a patch changes only what it names")
    func partial() throws {
        let settings = try TenantSettingsPatch(signingAlgorithm: .edDSA, audiences: ["api://orders"]).applied(to: .default)
        #expect(settings.signingAlgorithm == .edDSA)
        #expect(settings.audiences == ["api://orders"])
        #expect(settings.accessTokenTTL == TenantSettings.default.accessTokenTTL)
    }
}
