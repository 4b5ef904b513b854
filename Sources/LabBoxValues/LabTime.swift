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

    /// The lab's calendar day of `date` as `YYYY-MM-DD`: the day a due date is compared with and
    /// what a report's range and months count in.
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
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// `date` as a browser's `datetime-local` field shows it on the lab's wall clock
    /// (`2026-12-06T09:30`): a form shows a stored time as the person entered it.
    package func fieldText(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let number = { (value: Int?, digits: Int) in
            String(repeating: "0", count: max(0, digits - String(value ?? 0).count)) + String(value ?? 0)
        }
        return "\(number(parts.year, 4))-\(number(parts.month, 2))-\(number(parts.day, 2))T"
            + "\(number(parts.hour, 2)):\(number(parts.minute, 2))"
    }

    /// The instant a `datetime-local` field's `YYYY-MM-DDTHH:MM` (seconds optional) means on the
    /// lab's wall clock; nil when it is not such a time. In the hour a clock goes back, the first.
    package func date(fieldText text: String) -> Date? {
        let pieces = text.split(separator: "T")
        guard pieces.count == 2, let start = start(ofDay: String(pieces[0])) else { return nil }
        let clock = pieces[1].split(separator: ":").map { Int($0) }
        guard (2...3).contains(clock.count), let hour = clock[0], let minute = clock[1],
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        let second = clock.count == 3 ? clock[2] : 0
        guard let second, (0..<60).contains(second) else { return nil }
        return calendar.date(bySettingHour: hour, minute: minute, second: second, of: start)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
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

    /// Makes `zone` the process's own, before anything else runs: "today" (``Day/today``) and the
    /// scheduler's cron expressions then follow the lab's clock, not the box's. Logs, storage and
    /// the API name their zone (UTC) and do not change.
    package static func adopt(_ zone: TimeZone) {
        guard zone.identifier != TimeZone.current.identifier else { return }
        setenv("TZ", zone.identifier, 1)
        tzset()
        NSTimeZone.resetSystemTimeZone()
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
