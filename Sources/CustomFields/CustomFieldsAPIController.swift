import Foundation
import Hummingbird
import LabBoxPlatform
import LabBoxServer
import LabBoxValues

/// `/api/v1/custom-fields`: every signed-in caller reads the definitions (forms and clients need
/// them); only admins add, change and archive them.
package struct CustomFieldsAPIController {
    package let store: CustomFieldStore

    package init(store: CustomFieldStore) { self.store = store }

    package func addRoutes(to routes: RouteTable) {
        routes.get("/api/v1/custom-fields", .signedIn, .listCustomFields) { request, _ in
            let query = ListQuery(request)
            let entity = try query.choice("entity_type", in: CustomField.Entity.allCases.map(\.rawValue))
                .flatMap(CustomField.Entity.init)
            let fields = try await store.list(entity: entity, includeArchived: query["include_archived"] == "true")
            return ItemList(items: fields.map(CustomField.View.init))
        }
        routes.post("/api/v1/custom-fields", .admin, .addCustomField) { request, context in
            let input = try await request.decode(as: CustomFieldStore.Input.self, context: context)
            return EditedResponse(
                status: .created,
                response: CustomField.View(try await store.create(input, context: context.eventContext)))
        }
        routes.get("/api/v1/custom-fields/{id}", .signedIn, .oneCustomField) { _, context in
            CustomField.View(try await store.get(try context.id()))
        }
        routes.patch("/api/v1/custom-fields/{id}", .admin, .changeCustomField) { request, context in
            let input = try await request.decode(as: CustomFieldStore.Input.self, context: context)
            return CustomField.View(try await store.update(try context.id(), input, context: context.eventContext))
        }
    }
}
