import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// The library's pages: the list, a document (its version in force and its history), a version,
/// the forms for a new document and a new version (with a preview), approval by e-signature and
/// the import of a zip.
package struct LibraryWebController {
    package let store: LibraryStore
    package let identity: Identity
    package let pages: PageRenderer

    static let filters = ["collection", "tag"]

    package func addRoutes(to routes: RouteTable) {
        routes.get("/library", .libraryRead) { request, context in try await list(request, context) }
        routes.get("/library/new", .libraryWrite) { request, context in
            form(request, context, action: "/library", cancel: "/library", LibraryForm(), error: nil)
        }
        routes.post("/library", .libraryWrite) { request, context in
            let form = try await request.decode(as: LibraryForm.self, context: context)
            return try await submit(request, context, form, action: "/library", cancel: "/library") {
                try await store.create(form.input, context: context.eventContext)
            }
        }
        routes.get("/library/{id}", .libraryRead) { request, context in try await document(request, context) }
        routes.get("/library/{id}/versions/new", .libraryWrite) { request, context in
            let id = try context.id()
            let latest = try await store.versions(of: try await store.document(id: id).id ?? 0).first
            let prefilled = LibraryForm(
                title: latest?.title, collection: latest?.collection, tags: latest?.tagList.joined(separator: ", "),
                body: latest?.body)
            return form(
                request, context, action: "/library/\(id)/versions", cancel: "/library/\(id)", prefilled, error: nil)
        }
        routes.post("/library/{id}/versions", .libraryWrite) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: LibraryForm.self, context: context)
            return try await submit(request, context, form, action: "/library/\(id)/versions", cancel: "/library/\(id)")
            {
                try await store.propose(documentID: id, form.input, context: context.eventContext)
            }
        }
        routes.get("/library/versions/{id}", .libraryRead) { request, context in try await version(request, context) }
        routes.post("/library/versions/{id}/approve", .libraryApprove) { request, context in
            let id = try context.id()
            let form = try await request.decode(as: LibraryApprovalForm.self, context: context)
            let document = try await store.version(id: id).documentId
            return try await Flash.after(redirectTo: "/library/\(document)") {
                let signer = try await SignatureRequest(
                    meaning: .approved, password: form.password ?? "", code: FormText.text(form.code)
                ).signer(identity: identity, context: context)
                let version = try await store.approve(
                    versionID: id, signer: signer, reason: FormText.text(form.reason), context: context.eventContext)
                return "Version \(version.number) approved: it is in force."
            }
        }
        routes.post("/library/import", .libraryWrite) { request, context in
            try await Flash.after(redirectTo: "/library") {
                let summary = try await store.importFiles(
                    try await LibraryAPIController.archive(request, context), context: context.eventContext)
                return
                    "Imported: \(summary.created) new documents, \(summary.proposed) new versions (drafts to approve), "
                    + "\(summary.unchanged) unchanged."
            }
        }
    }

    private func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = ListQuery(request)
        let filter = try LibraryAPIController.filter(query)
        let page = try await store.list(filter, after: try query.cursor(), limit: try query.limit(default: 25))
        let (collections, tags) = try await store.vocabulary()
        let rows = page.items.map(LibraryRow.init)
        return pages.page(
            "collaboration/library", title: "Library", section: "library", request: request, context: context,
            model: LibraryPage(
                documents: rows, empty: rows.isEmpty,
                collections: [Choice(value: "", label: "any", selected: filter.collection == nil)]
                    + collections.map { Choice(value: $0, label: $0, selected: $0 == filter.collection) },
                tags: [Choice(value: "", label: "any", selected: filter.tag == nil)]
                    + tags.map { Choice(value: $0, label: $0, selected: $0 == filter.tag) },
                next: query.nextPage(keeping: Self.filters, after: page.next),
                firstPage: query.firstPage("/library", keeping: Self.filters),
                exportQuery: query.filters(Self.filters), canWrite: context.principal?.can(.libraryWrite) == true))
    }

    private func document(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let document = try await store.document(id: try context.id())
        let versions = try await store.versions(of: document.id ?? 0)
        let approvals = try await store.approvals(of: versions)
        func row(_ version: LibraryVersion) -> LibraryVersionRow {
            LibraryVersionRow(version, approvals: approvals[version.id ?? 0, default: []], time: pages.time)
        }
        let shown = versions.first { $0.status == .inForce } ?? versions.first
        let waiting = versions.filter { $0.status == .draft && $0.number > (document.inForceNumber ?? 0) }
        let model = LibraryDocumentPage(
            id: document.id ?? 0, shown: shown.map(row), html: shown.map { SafeMarkdown.html($0.body) } ?? "",
            shownIsDraft: shown?.status == .draft,
            waiting: waiting.map(row), hasWaiting: !waiting.isEmpty,
            versions: versions.map(row), canWrite: context.principal?.can(.libraryWrite) == true,
            canApprove: context.principal?.can(.libraryApprove) == true)
        return pages.page(
            "collaboration/library-document", title: document.title, section: "library", request: request,
            context: context, model: model)
    }

    private func version(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let version = try await store.version(id: try context.id())
        let approvals = try await store.approvals(of: [version])[version.id ?? 0] ?? []
        let own = version.authorId != nil && version.authorId == context.principal?.userID
        let model = LibraryVersionPage(
            documentId: version.documentId, version: LibraryVersionRow(version, approvals: approvals, time: pages.time),
            html: SafeMarkdown.html(version.body), isDraft: version.status == .draft,
            canApprove: version.status == .draft && !own && context.principal?.can(.libraryApprove) == true,
            ownVersion: own)
        return pages.page(
            "collaboration/library-version", title: "\(version.title), version \(version.number)", section: "library",
            request: request, context: context, model: model,
            trail: [.init(label: version.title, href: "/library/\(version.documentId)")])
    }

    /// The form posted: shown again with its preview, or stored and the document shown; a refused
    /// form is shown again with the reason.
    private func submit(
        _ request: Request, _ context: AppRequestContext, _ posted: LibraryForm, action: String, cancel: String,
        _ save: () async throws -> LibraryVersion
    ) async throws -> Response {
        if posted.preview != nil {
            let tooLong = (posted.body ?? "").unicodeScalars.count > LibraryStore.maxBody
            let error = APIError.validationFailed("At most \(LibraryStore.maxBody) characters.", field: "body")
            return form(request, context, action: action, cancel: cancel, posted, error: tooLong ? error : nil)
        }
        do {
            let version = try await save()
            return Flash(
                kind: .success,
                message:
                    "Version \(version.number) of “\(version.title)” was saved; it is in force once a director approves it."
            ).redirect(to: "/library/\(version.documentId)")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            return form(request, context, action: action, cancel: cancel, posted, error: error)
        }
    }

    private func form(
        _ request: Request, _ context: AppRequestContext, action: String, cancel: String, _ posted: LibraryForm,
        error: APIError?
    ) -> Response {
        let isNew = action == "/library"
        let body = posted.body ?? ""
        return pages.page(
            "collaboration/library-form", title: isNew ? "New document" : "New version", section: "library",
            request: request, context: context,
            model: LibraryFormPage(
                action: action, cancel: cancel, submitLabel: isNew ? "Add document" : "Propose version",
                title: posted.title ?? "", collection: posted.collection ?? "", tags: posted.tags ?? "", body: body,
                changeNote: posted.changeNote ?? "",
                preview: posted.preview != nil && !body.isEmpty && error == nil ? SafeMarkdown.html(body) : nil,
                error: error?.message),
            status: error?.httpStatus ?? .ok)
    }

    package init(store: LibraryStore, identity: Identity, pages: PageRenderer) {
        self.store = store
        self.identity = identity
        self.pages = pages
    }
}
