import Foundation
import Hummingbird
import Logging

/// Turns every thrown error into a response: JSON under `/api/`, an HTML page elsewhere.
/// Internal errors are logged with the request id and answered without their details.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let apiError = Self.describe(error, logger: context.logger)
            var response =
                request.uri.path.hasPrefix("/api/")
                ? Self.json(apiError, requestID: context.requestID)
                : pages.errorPage(apiError, request: request, context: context)
            response.headers.append(contentsOf: apiError.headers)
            return response
        }
    }

    static func json(_ error: APIError, requestID: String) -> Response {
        let body = ErrorBody(
            error: .init(code: error.code, message: error.message, field: error.field, requestID: requestID))
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(
            status: error.status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func describe(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as DecodingError:
            return APIError(error)
        case let error as HTTPError where error.status.code < 500:
            return APIError(
                status: error.status, code: APIError.code(for: error.status),
                message: error.body ?? Self.message(for: error.status))
        default:
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return APIError(
                status: .internalServerError, code: "internal_error",
                message: "LabBox hit an internal error. The request id identifies it in the server log.")
        }
    }

    private static func message(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "There is nothing at this address. Check the link, or go back to the home page."
        case 405: "This address does not accept requests with that method."
        default: status.reasonPhrase
        }
    }
}
