import Foundation
import LabBoxServer
import LabBoxValues
import NIOCore
import Testing

/// The reading of `multipart/form-data` bodies (MultipartKit splits the parts; the headers and the
/// bounds are LabBox's).
@Suite struct MultipartFormTests {
    static func body(_ parts: [String], boundary: String = "b0undary") -> ByteBuffer {
        ByteBuffer(string: parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n")
    }

    @Test func fieldsAndFilesAreReadWithTheirNames() throws {
        let form = try MultipartForm(
            contentType: "multipart/form-data; boundary=\"b0undary\"",
            body: Self.body([
                "Content-Disposition: form-data; name=\"entity_type\"\r\n\r\nanimal",
                "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-\r\nline two",
                "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n",
                "Content-Disposition: form-data; name=\"file\"; filename=\"x\"; filename*=UTF-8''M%C3%BCller.txt\r\n\r\nhi",
            ]))
        #expect(form.text("entity_type") == "animal")
        let files = form.files("file")
        #expect(files.map(\.filename) == ["a \"b\".pdf", "Müller.txt"])
        #expect(files.first.map { String(buffer: $0.body) } == "%PDF-\r\nline two")
    }

    @Test func headerParametersAreParsedLikeBrowsersWriteThem() {
        #expect(
            MultipartForm.parameters("form-data; name=\"a;b\"; filename=plain.txt")
                == ["name": "a;b", "filename": "plain.txt"])
        #expect(MultipartForm.parameters("multipart/form-data; boundary=----x")["boundary"] == "----x")
        #expect(MultipartForm.parameters("form-data") == [:])
        #expect(MultipartForm.parameters("form-data; name") == [:])
    }

    @Test func whatIsNotAFormIsRefused() throws {
        for contentType in [
            nil, "application/json", "multipart/form-data", "multipart/form-data; boundary=",
            "multipart/form-data; boundary=" + String(repeating: "x", count: 71),
        ] {
            #expect(throws: APIError.self) { try MultipartForm(contentType: contentType, body: ByteBuffer()) }
        }
        let malformed = ByteBuffer(string: "--b\r\nno colon here\r\n\r\nx\r\n--b--\r\n")
        do {
            _ = try MultipartForm(contentType: "multipart/form-data; boundary=b", body: malformed)
            Issue.record("a part header without a colon was accepted")
        } catch let error as APIError {
            #expect(error.status == .badRequest)
        }
        let many = Self.body(
            Array(repeating: "Content-Disposition: form-data; name=\"f\"\r\n\r\nv", count: MultipartForm.maxParts + 1))
        #expect(throws: APIError.self) {
            try MultipartForm(contentType: "multipart/form-data; boundary=b0undary", body: many)
        }
        // A body cut short yields only its complete parts.
        let cut = ByteBuffer(string: "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nhalf")
        #expect(try MultipartForm(contentType: "multipart/form-data; boundary=b", body: cut).parts.isEmpty)
    }
}
