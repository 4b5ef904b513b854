import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/library`: documents and their versions, approval by e-signature, and the library as
/// Markdown files in a zip, out and in.
package struct LibraryAPIController {
    package let store: LibraryStore
    package let identity: Identity

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/library/documents", .libraryRead, .listLibrary) { request, context in
            let query = ListQuery(request)
            let page = try await store.list(
                try Self.filter(query), after: try query.cursor(), limit: try query.limit())
            return KeysetPage(items: page.items.map(LibraryDocumentJSON.init), next: page.next)
        }
        routes.post("/api/v1/library/documents", .libraryWrite, .addLibraryDocument) { request, context in
            let input = try await request.decode(as: LibraryStore.Input.self, context: context)
            let version = try await store.create(input, context: context.eventContext)
            return EditedResponse(status: .created, response: LibraryVersionJSON(version, approvals: []))
        }
        routes.get("/api/v1/library/documents/{id}", .libraryRead, .oneLibraryDocument) { _, context in
            let document = try await store.document(id: try context.id())
            let versions = try await store.versions(of: document.id ?? 0)
            let approvals = try await store.approvals(of: versions)
            return LibraryDocumentDetailJSON(
                document: LibraryDocumentJSON(document),
                versions: versions.map { LibraryVersionJSON($0, approvals: approvals[$0.id ?? 0, default: []]) })
        }
        routes.post("/api/v1/library/documents/{id}/versions", .libraryWrite, .proposeLibraryVersion) {
            request, context in
            let input = try await request.decode(as: LibraryStore.Input.self, context: context)
            let version = try await store.propose(documentID: try context.id(), input, context: context.eventContext)
            return EditedResponse(status: .created, response: LibraryVersionJSON(version, approvals: []))
        }
        routes.get("/api/v1/library/versions/{id}", .libraryRead, .oneLibraryVersion) { _, context in
            let version = try await store.version(id: try context.id())
            return LibraryVersionJSON(
                version, approvals: try await store.approvals(of: [version])[version.id ?? 0] ?? [])
        }
        routes.post("/api/v1/library/versions/{id}/approve", .libraryApprove, .approveLibraryVersion) {
            request, context in
            let body = try await request.decode(as: Approval.self, context: context)
            let signer = try await SignatureRequest(meaning: .approved, password: body.password, code: body.code)
                .signer(identity: identity, context: context)
            let version = try await store.approve(
                versionID: try context.id(), signer: signer, reason: body.reason, context: context.eventContext)
            return LibraryVersionJSON(
                version, approvals: try await store.approvals(of: [version])[version.id ?? 0] ?? [])
        }
        routes.get("/api/v1/library/export", .libraryRead, .exportLibrary) { request, _ in
            let archive = try LibraryArchive.export(try await store.current(try Self.filter(ListQuery(request))))
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/zip", .contentLength: String(archive.count),
                    .contentDisposition: "attachment; filename=\"library.zip\"",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: archive)))
        }
        routes.post("/api/v1/library/import", .libraryWrite, .importLibrary) { request, context in
            try await store.importFiles(try await Self.archive(request, context), context: context.eventContext)
        }
    }

    /// The collection and tag filters of a list or an export.
    static func filter(_ query: ListQuery) throws -> LibraryStore.Filter {
        for (name, limit) in [("collection", LibraryStore.maxCollection), ("tag", LibraryStore.maxTag)] {
            guard (query[name]?.unicodeScalars.count ?? 0) <= limit else {
                throw APIError.invalid("\(name) is at most \(limit) characters.", field: name)
            }
        }
        return LibraryStore.Filter(collection: query["collection"], tag: query["tag"])
    }

    /// The files of the zip uploaded as the multipart part `file`.
    package static func archive(_ request: Request, _ context: AppRequestContext) async throws -> [LibraryArchive.File]
    {
        let files = try await MultipartForm.read(request, context: context).files("file")
        guard files.count == 1, let file = files.first else {
            throw APIError.validationFailed("Send exactly one zip archive, as the part named 'file'.", field: "file")
        }
        return try LibraryArchive.files(in: Data(buffer: file.body))
    }

    /// The approver's password (and authenticator code) again, as every e-signature needs.
    struct Approval: Decodable {
        var password: String
        var code: String?
        var reason: String?
    }

    package init(store: LibraryStore, identity: Identity) {
        self.store = store
        self.identity = identity
    }
}
