import Animals
import Attachments
import Billing
import Customers
import Foundation
import GRDB
import LabBoxPlatform
import LabBoxServer

/// A few files on the demo's records, uploaded through the store as a person would: an ultrasound
/// image and a health certificate on animals, a submission form on a customer, and a customer's
/// purchase order filed on an invoice under its number.
package struct DemoAttachments {
    package let store: AttachmentStore

    /// The demo writes as an administrator would; the store checks the record's permission.
    private static let uploader = Principal(
        userID: nil, email: nil, displayName: "labbox", role: .admin, credential: .accessToken)

    /// A 64 × 40 PNG in three bands: enough to show a preview.
    static let image = Data(
        base64Encoded:
            "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAoCAIAAADBrGu+AAAATElEQVR42u3PQQkAIBAAsEtiEpMYwrcBjWEDwQzmOG6wAos2V2ohICAgICAgICCQOHDuS01AQEBAQEBAoHRgj56agICAgICAgEDlwAdrHb+x3EgjuQAAAABJRU5ErkJggg=="
    )!

    static func pdf(_ title: String) -> Data {
        Data(
            """
            %PDF-1.4
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
            2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj
            % \(title)
            trailer << /Root 1 0 R >>
            %%EOF
            """.utf8)
    }

    /// Attaches the demo files; returns what it made, for the command's summary.
    package func generate(context: EventContext) async throws -> String {
        let (animals, customers, invoices) = try await store.database.read { db in
            (
                try Int64.fetchAll(db, sql: "SELECT id FROM animals WHERE deleted_at IS NULL ORDER BY id LIMIT 3"),
                try Int64.fetchAll(db, sql: "SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY id LIMIT 2"),
                try Int64.fetchAll(db, sql: "SELECT id FROM invoices ORDER BY id LIMIT 2")
            )
        }
        var uploads: [AttachmentStore.Upload] = []
        for (index, animal) in animals.enumerated() {
            uploads.append(
                .init(
                    entityType: Animal.auditEntity, entityID: animal, fileName: "ultrasound-\(index + 1).png",
                    bytes: Self.image, poNumber: nil))
            uploads.append(
                .init(
                    entityType: Animal.auditEntity, entityID: animal, fileName: "health-certificate.pdf",
                    bytes: Self.pdf("Health certificate \(animal)"), poNumber: nil))
        }
        for customer in customers {
            uploads.append(
                .init(
                    entityType: Customer.auditEntity, entityID: customer, fileName: "submission-form.csv",
                    bytes: Data("animal,test\r\nBull-1,P4\r\n".utf8), poNumber: nil))
        }
        for (index, invoice) in invoices.enumerated() {
            uploads.append(
                .init(
                    entityType: Invoice.auditEntity, entityID: invoice, fileName: "purchase-order.pdf",
                    bytes: Self.pdf("PO-2026-\(index + 1)"), poNumber: "PO-2026-\(index + 1)"))
        }
        for upload in uploads {
            _ = try await store.upload(upload, principal: Self.uploader, context: context)
        }
        return "\(uploads.count) attachments"
    }

    package init(store: AttachmentStore) {
        self.store = store
    }
}
