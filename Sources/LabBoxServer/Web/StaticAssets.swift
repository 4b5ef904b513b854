import Crypto
import Embedded
import Foundation
import Hummingbird
import LabBoxValues

/// The CSS, JS and images of `Resources/static`, served from memory.
///
/// Pages link `/static/<name>?v=<hash>`; a request carrying the current hash may be cached for a
/// year (`immutable`), so browsers never revalidate until a new binary changes the file.
package struct StaticAssets: Sendable {
    package struct Asset: Sendable {
        package let bytes: ByteBuffer
        package let contentType: String
        package let hash: String
    }

    package let assets: [String: Asset]

    package init() {
        var assets: [String: Asset] = [:]
        for path in EmbeddedFiles.paths(under: "static/") {
            guard let data = EmbeddedFiles.data(path) else { continue }
            let name = String(path.dropFirst("static/".count))
            let digest = SHA256.hash(data: data).prefix(8).hex
            assets[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: Self.contentType(of: name), hash: digest)
        }
        self.assets = assets
    }

    package func url(for name: String) -> String {
        "/static/\(name)?v=\(assets[name]?.hash ?? "missing")"
    }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/static/**", .anonymous) { request, context in
            let name = context.parameters.getCatchAll().joined(separator: "/")
            guard let asset = assets[name] else { throw APIError.notFound("No such file.") }
            let etag = "\"\(asset.hash)\""
            var headers: HTTPFields = [.eTag: etag, .contentType: asset.contentType]
            headers[.cacheControl] =
                request.uri.queryParameters["v"].map { String($0) } == asset.hash
                ? "public, max-age=31536000, immutable" : "public, max-age=300"
            if request.headers[.ifNoneMatch] == etag {
                return Response(status: .notModified, headers: headers)
            }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
        }
    }

    private static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }
}
