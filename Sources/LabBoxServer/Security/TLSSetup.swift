import Crypto
import Foundation
import LabBoxPlatform
import LabBoxValues
import NIOSSL

/// HTTPS for `labbox serve`: certificate and key files given in the configuration, or a
/// self-signed certificate that LabBox makes once and keeps in `<data>/tls/`, so browsers only have
/// to accept it the first time.
package enum TLSSetup {
    package static func configuration(for config: AppConfig) throws -> TLSConfiguration? {
        let certFile: String
        let keyFile: String
        switch config.tlsMode {
        case .off:
            return nil
        case .files:
            guard let cert = config.tlsCertFile, let key = config.tlsKeyFile else {
                throw ConfigError(key: "tls.mode", message: "\"files\" needs tls.cert_file and tls.key_file")
            }
            (certFile, keyFile) = (cert, key)
        case .selfSigned:
            (certFile, keyFile) = try selfSigned(in: config.dataDirectory + "/tls", host: config.host)
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw ConfigError(key: "tls", message: "cannot load \(certFile) / \(keyFile): \(error)")
        }
    }

    /// The paths of the kept self-signed certificate and key, creating them on first use.
    package static func selfSigned(in directory: String, host: String) throws -> (String, String) {
        let certFile = directory + "/cert.pem"
        let keyFile = directory + "/key.pem"
        let files = FileManager.default
        if files.fileExists(atPath: certFile) && files.fileExists(atPath: keyFile) { return (certFile, keyFile) }
        try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = P256.Signing.PrivateKey()
        var dnsNames = ["localhost"]
        var addresses: [[UInt8]] = [[127, 0, 0, 1]]
        if !["0.0.0.0", "127.0.0.1", "localhost", "::"].contains(host) {
            if let bytes = CIDR.bytes(of: host) { addresses.append(bytes) } else { dnsNames.append(host) }
        }
        let certificate = try SelfSignedCertificate.pem(
            key: key, commonName: "LabBox self-signed", dnsNames: dnsNames, ipAddresses: addresses)
        try certificate.write(toFile: certFile, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        return (certFile, keyFile)
    }
}
