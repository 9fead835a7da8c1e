import BatonCore
import Foundation
import Testing

@Suite("Sealing secrets with the master key")
struct SecretSealerTests {
    let plaintext = Data("private key bytes".utf8)

    @Test("a sealed secret opens with the same key and context, and does not contain the plaintext")
    func roundTrip() throws {
        let sealer = SecretSealer(current: .generate())
        let sealed = try sealer.seal(plaintext, context: "baton/signing-key/t/k")
        #expect(sealed.masterKeyID == sealer.current.id)
        #expect(sealed.combined.range(of: plaintext) == nil)
        #expect(try sealer.open(sealed, context: "baton/signing-key/t/k") == plaintext)
    }

    @Test("a blob moved to another row (other associated data) does not open")
    func contextIsBound() throws {
        let sealer = SecretSealer(current: .generate())
        let sealed = try sealer.seal(plaintext, context: "baton/signing-key/tenant-a/k1")
        #expect(throws: BatonError.self) { try sealer.open(sealed, context: "baton/signing-key/tenant-b/k1") }
    }

    @Test("a tampered blob does not open")
    func tamper() throws {
        let sealer = SecretSealer(current: .generate())
        let sealed = try sealer.seal(plaintext, context: "c")
        var bytes = sealed.combined
        bytes[bytes.startIndex + 14] ^= 0x01
        #expect(throws: BatonError.self) { try sealer.open(SealedSecret(masterKeyID: sealed.masterKeyID, combined: bytes), context: "c") }
    }

    @Test("blobs sealed by a previous master key open while that key is listed, and not after")
    func previousKeys() throws {
        let old = MasterKey.generate()
        let sealed = try SecretSealer(current: old).seal(plaintext, context: "c")
        let rotated = SecretSealer(current: .generate(), previous: [old])
        #expect(try rotated.open(sealed, context: "c") == plaintext)
        #expect(throws: BatonError.self) { try SecretSealer(current: .generate()).open(sealed, context: "c") }
    }

    @Test(
        "master keys must be base64 of exactly 32 bytes",
        arguments: ["", "not base64!", Data(count: 31).base64EncodedString(), Data(count: 33).base64EncodedString()]
    )
    func masterKeyParsing(_ raw: String) {
        #expect(throws: BatonError.self) { try MasterKey(base64: raw) }
    }

    @Test("a master key's id is stable and does not reveal the key")
    func masterKeyID() throws {
        let raw = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let a = try MasterKey(base64: raw)
        let b = try MasterKey(base64: raw)
        #expect(a.id == b.id)
        #expect(a.id.count == 16)
        #expect(!raw.contains(a.id))
    }
}
