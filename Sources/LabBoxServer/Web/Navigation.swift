/// The main navigation: at most seven sections on one line, each a list of pages shown as a second
/// row when the section is open (docs/decisions/0030-navigation-and-responsive-layout.md). A
/// section is shown when the principal may open one of its pages, and links to the first of them;
/// a page the principal may not open is not shown.
package enum Navigation {
    package struct Page: Sendable {
        let href: String
        let label: String
        /// The `section` the page's controller renders it with.
        let section: String
        let permission: Permission
    }

    package struct Section: Sendable {
        let label: String
        let pages: [Page]
    }

    /// A link of the menu, or of the breadcrumb trail between a section's page and the record a
    /// page shows (the tank and canister above a goblet).
    package struct Link: Encodable, Sendable {
        let href: String
        let label: String
        /// `aria-current`: "page" on the link to this very page, "true" on the section or page it is
        /// under, nil elsewhere.
        let current: String?

        package init(label: String, href: String, current: String? = nil) {
            self.href = href
            self.label = label
            self.current = current
        }
    }

    /// A row of links the layout shows once, or not at all when nil.
    struct Links: Encodable {
        let links: [Link]
    }

    struct Menu: Encodable {
        let sections: [Link]
        /// The open section's pages; nil when it has only one.
        let pages: Links?
        /// The links above the page (its section's page, then the page's own trail); nil on a
        /// section's own pages.
        let trail: Links?
    }

    /// A new feature adds its section here, or its pages to a section; seven sections at most.
    static let sections: [Section] = [
        Section(
            label: "Home",
            pages: [
                Page(href: "/", label: "Home", section: "home", permission: .signedIn),
                Page(href: "/tasks", label: "My tasks", section: "tasks", permission: .tasksRead),
                Page(href: "/tasks/board", label: "Task board", section: "tasks", permission: .tasksRead),
            ]),
        Section(
            label: "Clients",
            pages: [
                Page(href: "/customers", label: "Customers", section: "customers", permission: .customersRead),
                Page(href: "/animals", label: "Animals", section: "animals", permission: .animalsRead),
            ]),
        Section(
            label: "Lab",
            pages: [
                Page(href: "/samples", label: "Samples", section: "samples", permission: .samplesRead),
                Page(href: "/storage", label: "Storage", section: "storage", permission: .storageRead),
                Page(href: "/storage/inventory", label: "Inventory", section: "storage", permission: .storageRead),
                Page(href: "/shipments", label: "Shipments", section: "shipments", permission: .storageRead),
                Page(href: "/library", label: "Library", section: "library", permission: .libraryRead),
            ]),
        Section(
            label: "Reproduction",
            pages: [
                Page(
                    href: "/reproduction", label: "Reproduction", section: "reproduction", permission: .reproductionRead
                ),
                Page(
                    href: "/superovulation", label: "Superovulation", section: "reproduction",
                    permission: .reproductionRead),
                Page(href: "/flushes", label: "Flushes", section: "reproduction", permission: .reproductionRead),
                Page(
                    href: "/reproduction/recipients", label: "Recipients", section: "reproduction",
                    permission: .reproductionRead),
                Page(
                    href: "/reproduction/transfer-day", label: "Transfer day", section: "reproduction",
                    permission: .reproductionRead),
                Page(
                    href: "/reproduction/stats", label: "Statistics", section: "reproduction",
                    permission: .reproductionRead),
                Page(
                    href: "/certificates/embryos", label: "Embryo certificates", section: "certificates",
                    permission: .reproductionRead),
                Page(
                    href: "/certificates/health", label: "Health certificates", section: "certificates",
                    permission: .reproductionRead),
            ]),
        Section(
            label: "Results",
            pages: [
                Page(href: "/results", label: "Lab orders", section: "results", permission: .resultsRead),
                Page(href: "/genomics", label: "Genomics", section: "genomics", permission: .genomicsRead),
                Page(href: "/results/catalog", label: "Test catalog", section: "results", permission: .resultsRead),
                Page(href: "/results/stats", label: "Statistics", section: "results", permission: .resultsRead),
            ]),
        Section(
            label: "Billing",
            pages: [
                Page(href: "/billing", label: "Unbilled work", section: "billing", permission: .billingRead),
                Page(href: "/billing/invoices", label: "Invoices", section: "billing", permission: .billingRead),
                Page(href: "/billing/payments", label: "Payments", section: "billing", permission: .billingRead),
                Page(href: "/billing/aging", label: "Aging", section: "billing", permission: .billingRead),
                Page(
                    href: "/billing/statements", label: "Bank statements", section: "billing", permission: .billingRead),
                Page(href: "/billing/reminders", label: "Reminders", section: "billing", permission: .billingRead),
                Page(href: "/billing/revenue", label: "Revenue", section: "billing", permission: .billingRead),
                Page(href: "/billing/services", label: "Price list", section: "billing", permission: .billingRead),
            ]),
        Section(
            label: "Admin",
            pages: [
                Page(href: "/admin/users", label: "Users", section: "users", permission: .admin),
                Page(href: "/admin/health", label: "System", section: "system", permission: .admin),
                Page(href: "/admin/backups", label: "Backups", section: "system", permission: .admin),
                Page(href: "/admin/schedules", label: "Schedules", section: "system", permission: .admin),
                Page(href: "/admin/outbox", label: "Email outbox", section: "system", permission: .admin),
                Page(href: "/admin/email-templates", label: "Mail templates", section: "system", permission: .admin),
                Page(href: "/admin/webhooks", label: "Webhooks", section: "system", permission: .admin),
                Page(href: "/admin/custom-fields", label: "Custom fields", section: "system", permission: .admin),
                Page(href: "/admin/audit", label: "Audit trail", section: "audit", permission: .auditRead),
                Page(href: "/admin/privacy", label: "Privacy", section: "privacy", permission: .privacyRead),
                Page(href: "/admin/security", label: "Security events", section: "security", permission: .securityRead),
            ]),
    ]

    /// What the layout shows for a page rendered with `section` at `path`: the sections, the open
    /// section's pages, and the breadcrumb trail when the page is below one of them.
    static func menu(for principal: Principal, section: String, path: String, trail: [Link]) -> Menu {
        let visible: [(label: String, pages: [Page])] = sections.compactMap { section in
            let pages = section.pages.filter { principal.can($0.permission) }
            return pages.isEmpty ? nil : (section.label, pages)
        }
        // Of the pages rendered with this section, the one the path lies under most closely: the
        // catalog, not the worklist, for /results/catalog.
        let current = visible.flatMap(\.pages).filter { $0.section == section }
            .max { prefixLength($0.href, of: path) < prefixLength($1.href, of: path) }
        let mark = { (href: String) in href == path ? "page" : "true" }
        let open = current.flatMap { page in visible.first { $0.pages.contains { $0.href == page.href } } }
        return Menu(
            sections: visible.map { section in
                let href = section.pages[0].href
                return Link(label: section.label, href: href, current: section.label == open?.label ? mark(href) : nil)
            },
            pages: open.flatMap { open in
                open.pages.count > 1
                    ? Links(
                        links: open.pages.map {
                            Link(
                                label: $0.label, href: $0.href, current: $0.href == current?.href ? mark($0.href) : nil)
                        })
                    : nil
            },
            trail: current.flatMap { page in
                page.href == path ? nil : Links(links: [Link(label: page.label, href: page.href)] + trail)
            })
    }

    /// How much of `path` the page at `href` covers: its length when `path` is `href` or below it.
    private static func prefixLength(_ href: String, of path: String) -> Int {
        path == href || path.hasPrefix(href == "/" ? "/" : href + "/") ? href.count : -1
    }
}
