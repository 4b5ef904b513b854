import Foundation
import LabBoxPlatform
import LabBoxValues
import Testing

/// Networks for the IP allow list, as written in the configuration.
@Suite struct CIDRTests {
    @Test func cidrMatchesIPv4AndIPv6Networks() throws {
        let lan = try #require(CIDR("192.168.10.0/24"))
        #expect(lan.contains("192.168.10.77"))
        #expect(!lan.contains("192.168.11.1"))
        #expect(lan.contains("::ffff:192.168.10.5"))
        let ula = try #require(CIDR("fd00::/8"))
        #expect(ula.contains("fd12:3456::1"))
        #expect(!ula.contains("2001:db8::1"))
        #expect(CIDR("10.0.0.1")?.prefixLength == 32)
        #expect(CIDR("300.1.1.1/8") == nil)
        #expect(CIDR("10.0.0.0/33") == nil)
        let allow = try #require(ConfigKey.all.first { $0.name == "security.ip_allow" })
        var config = AppConfig()
        try allow.apply(&config, "10.0.0.0/8, fd00::/8")
        #expect(config.ipAllow.map(\.description) == ["10.0.0.0/8", "fd00::/8"])
        #expect(throws: ConfigError.self) { try allow.apply(&config, "10.0.0.0/8, nonsense") }
    }
}
