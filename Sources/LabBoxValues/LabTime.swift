import Foundation

/// The lab's clock and calendar (`lab.timezone`, `lab.locale`): the one way a page or an email
/// shows a time. Storage, the API and the logs stay UTC; a person reads their own wall clock,
/// with the zone named so that a time is never ambiguous (docs/decisions/0032).
package struct LabTime: Sendable {
    package let zone: TimeZone
    package let locale: Locale
    private let style: Date.FormatStyle
    private let dayStyle: Date.FormatStyle

    /// The box's own zone (`TZ`, else `/etc/localtime`, as the C library reads them) and British
    /// English unless the settings say otherwise.
    package init(zone: TimeZone = .current, locale: Locale = Locale(identifier: "en_GB")) {
        self.zone = zone
        self.locale = locale
        style = Date.FormatStyle(date: .abbreviated, time: .shortened, locale: locale, timeZone: zone)
        dayStyle = Date.FormatStyle(date: .abbreviated, time: .omitted, locale: locale, timeZone: zone)
    }

    /// `date` on the lab's wall clock with the zone's abbreviation: `6 Dec 2026 at 09:30 CET`.
    package func text(_ date: Date) -> String { date.formatted(style) + " " + abbreviation(at: date) }

    /// ``text(_:)`` of `date`, or `absent` when there is none (`never`, `—`).
    package func text(_ date: Date?, absent: String) -> String { date.map(text) ?? absent }

    /// The lab's calendar day of `date`, in the locale's words (`6 Dec 2026`): for times whose
    /// hour does not matter, such as when a sample was collected on a label.
    package func day(_ date: Date) -> String { date.formatted(dayStyle) }

    /// The lab's calendar day of `date` as `YYYY-MM-DD`: what a report's range and months count in.
    package func isoDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Today on the lab's calendar.
    package var today: String { isoDay(Date()) }

    /// The instant the lab's day `day` (`YYYY-MM-DD`) begins: a date typed into a filter means
    /// the lab's day, not UTC's.
    package func start(ofDay day: String) -> Date? {
        guard day.utf8.count == 10, CalendarText.exists(day) else { return nil }
        let parts = day.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// The zone's short name at `date` as people there write it (CET, CEST, CST): the locale's,
    /// else US English's (ICU names the North American zones only there), else the offset from
    /// GMT (`GMT+3`), which ICU gives for zones without a common abbreviation.
    private func abbreviation(at date: Date) -> String {
        if zone.secondsFromGMT(for: date) == 0, ["UTC", "GMT", "Etc/UTC"].contains(zone.identifier) { return "UTC" }
        let style: NSTimeZone.NameStyle = zone.isDaylightSavingTime(for: date) ? .shortDaylightSaving : .shortStandard
        for locale in [locale, Locale(identifier: "en_US")] {
            if let name = zone.localizedName(for: style, locale: locale), !name.hasPrefix("GMT") { return name }
        }
        return zone.abbreviation(for: date) ?? zone.identifier
    }

    /// A time zone from its IANA name (`Europe/Berlin`); nil for an abbreviation or an unknown name.
    package static func zone(named name: String) -> TimeZone? {
        guard TimeZone.knownTimeZoneIdentifiers.contains(name) || name == "UTC" else { return nil }
        return TimeZone(identifier: name)
    }

    /// A locale from its BCP 47 tag (`de-DE`, `en-GB`); nil for one Foundation has no data for.
    package static func locale(named tag: String) -> Locale? {
        let identifier = tag.replacingOccurrences(of: "-", with: "_")
        guard Locale.availableIdentifiers.contains(identifier) else { return nil }
        return Locale(identifier: identifier)
    }
}
