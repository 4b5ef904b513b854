import Hummingbird
import LabBoxValues

extension JSONText {
    /// A `200`-style response with `json` as its body, labelled as Hummingbird labels JSON.
    package static func response(_ json: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}
