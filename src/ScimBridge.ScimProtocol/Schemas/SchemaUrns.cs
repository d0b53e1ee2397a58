namespace ScimBridge.ScimProtocol.Schemas;

public static class SchemaUrns
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string SearchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
    public const string BulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    /// <summary>Sent by Microsoft Entra ID on group creation; accepted and not echoed.</summary>
    public const string MicrosoftAdGroup = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group";

    /// <summary>The malformed enterprise URN printed in older Entra documentation.</summary>
    public const string MalformedEnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0User";
}
