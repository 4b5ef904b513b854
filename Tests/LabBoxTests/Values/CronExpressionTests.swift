import Foundation
import LabBoxValues
import Testing

@Suite struct CronExpressionTests {
    private var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }

    private func date(_ text: String) throws -> Date { try #require(Timestamp.parse(text)) }

    @Test(arguments: [
        ("30 2 * * *", "2026-11-25T10:00:00Z", "2026-11-26T02:30:00Z"),
        ("30 2 * * *", "2026-11-25T01:00:00Z", "2026-11-25T02:30:00Z"),
        ("*/15 * * * *", "2026-11-25T10:07:30Z", "2026-11-25T10:15:00Z"),
        ("0 9-17/4 * * 1-5", "2026-11-27T18:00:00Z", "2026-11-30T09:00:00Z"),
        ("0 0 1 * *", "2026-12-15T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("0 12 13 * 5", "2026-11-25T00:00:00Z", "2026-11-27T12:00:00Z"),
        ("@weekly", "2026-11-25T00:00:00Z", "2026-11-29T00:00:00Z"),
        ("0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
    ])
    func nextRunsAreTheOnesAHandReadingGives(cron: String, after: String, expected: String) throws {
        let next = try CronExpression(cron).next(after: try date(after), calendar: utc)
        #expect(next == (try date(expected)), "\(cron) after \(after)")
    }

    // "0 /,//0 8 2 2" crashed the parser (fuzzing; Tests/fuzz/corpus/cron/empty-step).
    @Test(arguments: [
        "* * * *", "60 * * * *", "0 24 * * *", "*/0 * * * *", "5-1 * * * *", "x * * * *", "0 /,//0 8 2 2",
        "/ * * * *", "5/ * * * *", "*/ * * * *", "//5 * * * *",
    ])
    func badExpressionsAreRefusedWithTheFieldNamed(cron: String) {
        #expect(throws: CronExpression.Invalid.self) { try CronExpression(cron) }
    }
}
