import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxValues
import Logging

/// Turns every thrown error into a response: JSON under `/api/`, an HTML page elsewhere.
/// Internal errors are logged with the request id and answered without their details. A full or
/// read-only disk under the data directory (``StorageFault``) is logged the same way and answered
/// 507 or 503 with a message saying what happened and what to do.
package struct ErrorMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext
    package let pages: PageRenderer
    /// Tells a full or read-only disk from a defect, and notes it for readiness.
    package let database: AppDatabase

    package func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.describe(error, database: database, logger: context.logger)
            var response =
                request.uri.path.hasPrefix("/api/")
                ? Self.json(apiError, requestID: context.requestID)
                : pages.errorPage(apiError, request: request, context: context)
            if let seconds = apiError.retryAfter { response.headers[.retryAfter] = String(seconds) }
            // Headers the router's own errors carry, such as `Allow` on a 405.
            if let error = error as? HTTPError { response.headers.append(contentsOf: error.headers) }
            return response
        }
    }

    package static func json(_ error: APIError, requestID: String) -> Response {
        let body = ErrorBody(
            error: .init(code: error.code, message: error.message, field: error.field, requestID: requestID))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(
            status: error.httpStatus,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    package static func describe(_ error: any Error, database: AppDatabase, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DecodingError:
            return APIError(error)
        case let error as HTTPError where error.status.code < 500:
            return APIError(
                status: .init(code: error.status.code), code: APIError.code(for: error.status.code),
                message: error.body ?? Self.message(for: error.status))
        case let error as any HTTPResponseError where error.status.code < 500:
            // Such as NIO's "too many bytes" when a chunked body outgrows the limit: a 413, not a 500.
            return APIError(
                status: .init(code: error.status.code), code: APIError.code(for: error.status.code),
                message: Self.message(for: error.status))
        default:
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            if let fault = database.storageFault(of: error) { return fault.apiError }
            return APIError(
                status: .internalServerError, code: "internal_error",
                message: "LabBox hit an internal error. The request id identifies it in the server log.")
        }
    }

    private static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "There is nothing at this address. Check the link, or go back to the home page."
        case 405: "This address does not accept requests with that method."
        case 413: "The request body is larger than the server accepts (server.max_body_bytes)."
        default: status.reasonPhrase
        }
    }

    package init(pages: PageRenderer, database: AppDatabase) {
        self.pages = pages
        self.database = database
    }
}

/// The JSON body of every API error.
package struct ErrorBody: Codable {
    package struct Detail: Codable {
        package let code: String
        package let message: String
        package let field: String?
        package let requestID: String

        package enum CodingKeys: String, CodingKey {
            case code, message, field
            case requestID = "request_id"
        }
    }
    package let error: Detail
}

extension APIError {
    /// The response status this refusal is answered with.
    package var httpStatus: HTTPResponse.Status { HTTPResponse.Status(code: status.code) }
}
