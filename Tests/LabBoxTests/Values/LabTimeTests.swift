import Foundation
import LabBoxPlatform
import LabBoxValues
import Testing

/// LabTime: the lab's zone and locale, set by `lab.timezone` and `lab.locale`.
@Suite struct LabTimeTests {
    @Test func settingsChooseTheZoneAndLocaleAndRefuseUnknownOnes() throws {
        let directory = try TemporaryDirectory()
        let config = try ConfigLoader.load(
            dataDirectory: directory.path, configFile: nil,
            environment: ["LABBOX_LAB_TIMEZONE": "America/Chicago", "LABBOX_LAB_LOCALE": "de-DE"])
        #expect(config.labTime.zone.identifier == "America/Chicago")
        #expect(config.labTime.locale.identifier == "de_DE")
        for (name, value) in [("lab.timezone", "Mars/Olympus"), ("lab.timezone", "CST"), ("lab.locale", "xx-YY")] {
            let variable = "LABBOX_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
            let error = #expect(throws: ConfigError.self) {
                try ConfigLoader.load(dataDirectory: directory.path, configFile: nil, environment: [variable: value])
            }
            #expect(error?.key == name)
        }
    }

    @Test func aDayMeansTheLabsDay() throws {
        let chicago = LabTime(zone: TimeZone(identifier: "America/Chicago")!)
        #expect(chicago.start(ofDay: "2026-01-15")?.databaseText == "2026-01-15 06:00:00.000")
        #expect(chicago.start(ofDay: "2026-02-30") == nil)
        let noon = try #require(Date(databaseText: "2026-07-15 17:00:00"))
        #expect(chicago.text(noon) == "15 Jul 2026 at 12:00 CDT")
        let berlin = LabTime(zone: TimeZone(identifier: "Europe/Berlin")!, locale: Locale(identifier: "de_DE"))
        #expect(berlin.text(noon).hasSuffix("19:00 MESZ") || berlin.text(noon).hasSuffix("19:00 CEST"))
        #expect(LabTime(zone: TimeZone(identifier: "UTC")!).text(noon).hasSuffix("17:00 UTC"))
    }

    @Test func aFormsWallClockTimeIsTheLabs() throws {
        let chicago = LabTime(zone: TimeZone(identifier: "America/Chicago")!)
        let noon = try #require(Date(databaseText: "2026-07-15 17:00:00"))
        #expect(chicago.fieldText(noon) == "2026-07-15T12:00")
        #expect(chicago.date(fieldText: "2026-07-15T12:00") == noon)
        #expect(chicago.date(fieldText: "2026-07-15T12:00:30") == noon.addingTimeInterval(30))
        // The night the clocks go back (1 November 2026), 01:30 happens twice: the first is meant.
        #expect(chicago.date(fieldText: "2026-11-01T01:30")?.databaseText == "2026-11-01 06:30:00.000")
        for bad in ["2026-07-15", "2026-07-15T24:00", "2026-02-30T10:00", "2026-07-15T10", "noon"] {
            #expect(chicago.date(fieldText: bad) == nil, "\(bad)")
        }
    }
}
