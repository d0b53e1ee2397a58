using System.Text.Json.Nodes;
using ScimBridge.Data;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>Projects a canonical user resource onto the columns that filters and uniqueness run on.</summary>
internal static class UserMapping
{
    public static readonly string[] MultiValuedAttributes =
        ["emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"];

    public static void Apply(UserRecord record, JsonObject resource)
    {
        record.UserName = Json.String(resource, "userName") ?? throw ScimException.InvalidValue("userName is required.");
        var userNameKey = ScimText.Fold(record.UserName);
        // A key set aside on upgrade (two users that became one name) stays until the user is renamed, so it can still be updated.
        if (!CaseFoldingUpgrade.IsSetAside(record.UserNameNormalized, userNameKey))
        {
            record.UserNameNormalized = userNameKey;
        }

        record.ExternalId = Json.String(resource, "externalId");
        record.DisplayName = Json.String(resource, "displayName");
        record.DisplayNameNormalized = record.DisplayName is null ? null : ScimText.Fold(record.DisplayName);
        record.Active = resource["active"]?.GetValue<bool>() ?? true;
        record.Title = Json.String(resource, "title");
        record.UserType = Json.String(resource, "userType");
        record.NickName = Json.String(resource, "nickName");
        record.Locale = Json.String(resource, "locale");
        record.Timezone = Json.String(resource, "timezone");
        record.PreferredLanguage = Json.String(resource, "preferredLanguage");
        record.ProfileUrl = Json.String(resource, "profileUrl");

        var name = resource["name"] as JsonObject;
        record.GivenName = Json.String(name, "givenName");
        record.FamilyName = Json.String(name, "familyName");
        record.FormattedName = Json.String(name, "formatted");

        var enterprise = resource[SchemaUrns.EnterpriseUser] as JsonObject;
        record.EmployeeNumber = Json.String(enterprise, "employeeNumber");
        record.Department = Json.String(enterprise, "department");
        record.CostCenter = Json.String(enterprise, "costCenter");
        record.Organization = Json.String(enterprise, "organization");
        record.Division = Json.String(enterprise, "division");
        record.ManagerId = Json.String(enterprise?["manager"] as JsonObject, "value");
        record.Data = Json.Serialize(Json.WithoutServerAttributes(resource));
    }

    /// <summary>Whether an update changes a multi-valued attribute, the only kind of change that touches the value rows.</summary>
    public static bool ValuesDiffer(JsonObject before, JsonObject after) =>
        MultiValuedAttributes.Any(attribute => !JsonNode.DeepEquals(before[attribute], after[attribute]));

    /// <summary>The value rows filters run on (emails, phone numbers, …); <paramref name="record"/>'s must be loaded.</summary>
    public static void ApplyValues(UserRecord record, JsonObject resource)
    {
        var values = ExtractValues(resource);
        if (!SameValues(record.Values, values))
        {
            record.Values.Clear();
            record.Values.AddRange(values);
        }
    }

    public static List<UserValueRecord> ExtractValues(JsonObject resource)
    {
        var values = new List<UserValueRecord>();
        foreach (var attribute in MultiValuedAttributes)
        {
            if (resource[attribute] is not JsonArray elements)
            {
                continue;
            }

            foreach (var element in elements)
            {
                if (element is not JsonObject item)
                {
                    continue;
                }

                var value = attribute == "addresses" ? Json.String(item, "formatted") : Json.String(item, "value");
                values.Add(new UserValueRecord
                {
                    Attribute = attribute,
                    Type = Json.String(item, "type"),
                    Value = value,
                    ValueNormalized = value is null ? null : ScimText.Fold(value),
                    Display = Json.String(item, "display"),
                    Primary = item["primary"] is JsonValue primary && primary.TryGetValue<bool>(out var p) && p,
                });
            }
        }

        return values;
    }

    private static bool SameValues(List<UserValueRecord> current, List<UserValueRecord> next) =>
        current.Count == next.Count && current.Zip(next).All(pair =>
            pair.First.Attribute == pair.Second.Attribute && pair.First.Type == pair.Second.Type
            && pair.First.Value == pair.Second.Value && pair.First.Display == pair.Second.Display
            && pair.First.Primary == pair.Second.Primary);
}
