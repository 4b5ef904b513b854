import Collaboration
import Foundation
import LabBoxPlatform
import LabBoxServer

/// The library's demo: four SOPs written through the store by the demo technician and approved by
/// a demo director (the author may not approve their own), the OPU procedure in a second version
/// that superseded the first, and the LN2 filling procedure still a draft waiting for approval.
package struct DemoLibrary {
    package let store: LibraryStore
    package let identity: Identity
    /// Who writes the versions.
    package let author: User

    package static func director(identity: Identity) async throws -> User {
        let email = "demo.director@labbox.example"
        if let existing = try await identity.users.user(email: email) { return existing }
        return try await identity.users.create(
            .init(
                email: email, displayName: "Demo Director", role: .director, password: Secrets.token(bytes: 24)),
            by: nil, event: .commandLine)
    }

    package func generate(context commandLine: EventContext) async throws -> String {
        let director = try await Self.director(identity: identity)
        // Each acts as themself: the technician writes, the director signs.
        let acting = { (user: User) in
            EventContext(
                clientIP: commandLine.clientIP, requestID: commandLine.requestID, actorType: .user, actorID: user.id,
                actorName: user.email)
        }
        let context = acting(author)
        let approve = { (version: LibraryVersion) in
            _ = try await store.approve(
                versionID: version.id ?? 0, signer: director, reason: nil, context: acting(director))
        }
        let opu = try await store.create(Self.opu(needle: "18 G"), context: context)
        try await approve(opu)
        try await approve(
            try await store.propose(
                documentID: opu.documentId,
                .init(
                    title: nil, body: Self.opu(needle: "19 G").body, changeNote: "19 G needles: fewer bloody aspirates"),
                context: context))
        try await approve(try await store.create(Self.media, context: context))
        try await approve(try await store.create(Self.vitrification, context: context))
        _ = try await store.create(Self.nitrogen, context: context)
        return "4 library documents (5 versions, 4 in force, 1 awaiting approval)"
    }

    static func opu(needle: String) -> LibraryStore.Input {
        .init(
            title: "SOP-01 Ovum pick-up (OPU)", collection: "SOPs", tags: ["opu", "ivf", "bovine"],
            body: """
                # Ovum pick-up (OPU)

                **Scope:** transvaginal, ultrasound-guided aspiration of follicles in cattle.

                ## Before
                1. Check the donor's ID (ear tag) against the session list.
                2. Epidural anaesthesia: 5 ml lidocaine 2 %.
                3. Clean the perineum; keep the collection medium at 37 °C.

                ## Aspiration
                - Needle: \(needle), vacuum 60–70 mmHg.
                - Aspirate every follicle ≥ 2 mm; record the count per ovary.

                | Follicle size | Action |
                |---|---|
                | < 2 mm | leave |
                | 2–8 mm | aspirate |
                | > 8 mm | aspirate, note separately |

                Search the oocytes under the stereo microscope within 30 minutes and grade them (A–D).
                """)
    }

    static let media = LibraryStore.Input(
        title: "Media recipe: IVF fertilisation medium", collection: "Media recipes", tags: ["ivf", "media"],
        body: """
            # IVF fertilisation medium (100 ml)

            | Component | Amount |
            |---|---|
            | TALP base | 100 ml |
            | Heparin | 1 mg |
            | BSA, fatty-acid free | 600 mg |
            | Penicillamine / hypotaurine / epinephrine (PHE) | 4 ml |

            1. Filter (0.22 µm) into sterile tubes.
            2. Equilibrate at 38.5 °C, 5 % CO₂ for at least 2 hours.
            3. Label with the batch number and the date; use within 7 days.
            """)

    static let vitrification = LibraryStore.Input(
        title: "SOP-07 Embryo vitrification", collection: "SOPs", tags: ["embryo", "cryo"],
        body: """
            # Embryo vitrification (Cryotop)

            1. Equilibration solution (7.5 % EG + 7.5 % DMSO): 9 minutes.
            2. Vitrification solution (15 % EG + 15 % DMSO + 0.5 M sucrose): under 60 seconds.
            3. Load at most 2 embryos per Cryotop with minimal volume; plunge into LN₂ at once.
            4. Record the straw in LabBox **before** it goes into the goblet.
            """)

    static let nitrogen = LibraryStore.Input(
        title: "SOP-12 Filling LN2 storage tanks", collection: "SOPs", tags: ["ln2", "storage", "safety"],
        body: """
            # Filling LN₂ storage tanks

            > Oxygen depletion: fill only with the room's oxygen alarm working and the door open.

            - Wear the face shield, cryo gloves and apron.
            - Fill to the tank's mark; never over the neck tube.
            - Log the level before and after in the tank's journal.
            """)

    package init(store: LibraryStore, identity: Identity, author: User) {
        self.store = store
        self.identity = identity
        self.author = author
    }
}
