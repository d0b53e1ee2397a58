namespace ScimBridge.ScimProtocol.Schemas;

/// <summary>The User, EnterpriseUser and Group schemas of RFC 7643, and the common attributes.</summary>
public static class ScimSchemas
{
    /// <summary>id, externalId and meta: on every resource, outside any schema (RFC 7643 section 3.1).</summary>
    public static IReadOnlyList<AttributeDefinition> CommonAttributes { get; } =
    [
        Str("id", caseExact: true, mutability: Mutability.ReadOnly, returned: Returned.Always, uniqueness: Uniqueness.Server),
        Str("externalId", caseExact: true),
        Complex("meta", mutability: Mutability.ReadOnly, subs:
        [
            Str("resourceType", caseExact: true, mutability: Mutability.ReadOnly),
            new("created", AttributeType.DateTime, Mutability: Mutability.ReadOnly),
            new("lastModified", AttributeType.DateTime, Mutability: Mutability.ReadOnly),
            new("location", AttributeType.Reference, CaseExact: true, Mutability: Mutability.ReadOnly) { ReferenceTypes = ["uri"] },
            Str("version", caseExact: true, mutability: Mutability.ReadOnly),
        ]),
    ];

    public static SchemaDefinition User { get; } = new(SchemaUrns.User, "User", "User Account",
    [
        Str("userName", required: true, uniqueness: Uniqueness.Server, description: "Unique identifier for the User, used to authenticate."),
        Complex("name", subs:
        [
            Str("formatted"), Str("familyName"), Str("givenName"), Str("middleName"), Str("honorificPrefix"), Str("honorificSuffix"),
        ]),
        Str("displayName"),
        Str("nickName"),
        new("profileUrl", AttributeType.Reference) { ReferenceTypes = ["external"] },
        Str("title"),
        Str("userType"),
        Str("preferredLanguage"),
        Str("locale"),
        Str("timezone"),
        new("active", AttributeType.Boolean),
        new("password", AttributeType.String, Mutability: Mutability.WriteOnly, Returned: Returned.Never),
        MultiValued("emails", "work", "home", "other"),
        MultiValued("phoneNumbers", "work", "home", "mobile", "fax", "pager", "other"),
        MultiValued("ims", "aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"),
        MultiValued("photos", "photo", "thumbnail"),
        Complex("addresses", multiValued: true, subs:
        [
            Str("formatted"), Str("streetAddress"), Str("locality"), Str("region"), Str("postalCode"), Str("country"),
            Str("type") with { CanonicalValues = ["work", "home", "other"] },
            new("primary", AttributeType.Boolean),
        ]),
        Complex("groups", multiValued: true, mutability: Mutability.ReadOnly, subs:
        [
            Str("value", mutability: Mutability.ReadOnly),
            new("$ref", AttributeType.Reference, Mutability: Mutability.ReadOnly) { ReferenceTypes = ["User", "Group"] },
            Str("display", mutability: Mutability.ReadOnly),
            Str("type", mutability: Mutability.ReadOnly) with { CanonicalValues = ["direct", "indirect"] },
        ]),
        MultiValued("entitlements"),
        MultiValued("roles"),
        Complex("x509Certificates", multiValued: true, subs:
        [
            new("value", AttributeType.Binary), Str("display"), Str("type"), new("primary", AttributeType.Boolean),
        ]),
    ]);

    public static SchemaDefinition EnterpriseUser { get; } = new(SchemaUrns.EnterpriseUser, "EnterpriseUser", "Enterprise User",
    [
        Str("employeeNumber"),
        Str("costCenter"),
        Str("organization"),
        Str("division"),
        Str("department"),
        Complex("manager", subs:
        [
            Str("value"),
            new("$ref", AttributeType.Reference) { ReferenceTypes = ["User"] },
            Str("displayName", mutability: Mutability.ReadOnly),
        ]),
    ]);

    public static SchemaDefinition Group { get; } = new(SchemaUrns.Group, "Group", "Group",
    [
        Str("displayName", required: true),
        Complex("members", multiValued: true, subs:
        [
            Str("value", caseExact: true, mutability: Mutability.Immutable),
            new("$ref", AttributeType.Reference, Mutability: Mutability.Immutable) { ReferenceTypes = ["User", "Group"] },
            Str("display", mutability: Mutability.ReadOnly),
            Str("type", mutability: Mutability.Immutable) with { CanonicalValues = ["User", "Group"] },
        ]),
    ]);

    public static ResourceTypeDefinition UserResourceType { get; } =
        new("User", "/Users", "User Account", User, [new SchemaExtension(EnterpriseUser, Required: false)]);

    public static ResourceTypeDefinition GroupResourceType { get; } =
        new("Group", "/Groups", "Group", Group, []);

    public static IReadOnlyList<SchemaDefinition> All { get; } = [User, EnterpriseUser, Group];

    public static IReadOnlyList<ResourceTypeDefinition> ResourceTypes { get; } = [UserResourceType, GroupResourceType];

    public static AttributeDefinition? FindCommonAttribute(string name) =>
        CommonAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    private static AttributeDefinition Str(
        string name,
        bool caseExact = false,
        bool required = false,
        Mutability mutability = Mutability.ReadWrite,
        Returned returned = Returned.Default,
        Uniqueness uniqueness = Uniqueness.None,
        string description = "") =>
        new(name, AttributeType.String, false, required, caseExact, mutability, returned, uniqueness, description);

    private static AttributeDefinition Complex(string name, IReadOnlyList<AttributeDefinition> subs, bool multiValued = false, Mutability mutability = Mutability.ReadWrite) =>
        new(name, AttributeType.Complex, multiValued, Mutability: mutability) { SubAttributes = subs };

    /// <summary>The usual value/display/type/primary shape of emails, phoneNumbers, roles and the like.</summary>
    private static AttributeDefinition MultiValued(string name, params string[] types) =>
        Complex(name, multiValued: true, subs:
        [
            Str("value"),
            Str("display"),
            Str("type") with { CanonicalValues = types },
            new("primary", AttributeType.Boolean),
        ]);
}
