namespace ScimBridge.ScimProtocol;

/// <summary>A protocol error that becomes an RFC 7644 Error response.</summary>
public class ScimException(int status, string detail, string? scimType = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string? ScimType { get; } = scimType;
    public string Detail { get; } = detail;

    public static ScimException BadRequest(string scimType, string detail) => new(400, detail, scimType);
    public static ScimException InvalidFilter(string detail) => new(400, detail, ScimErrorTypes.InvalidFilter);
    public static ScimException InvalidPath(string detail) => new(400, detail, ScimErrorTypes.InvalidPath);
    public static ScimException InvalidValue(string detail) => new(400, detail, ScimErrorTypes.InvalidValue);
    public static ScimException InvalidSyntax(string detail) => new(400, detail, ScimErrorTypes.InvalidSyntax);
    public static ScimException NoTarget(string detail) => new(400, detail, ScimErrorTypes.NoTarget);
    public static ScimException Mutability(string detail) => new(400, detail, ScimErrorTypes.Mutability);
    public static ScimException NotFound(string detail) => new(404, detail);
    public static ScimException Conflict(string detail) => new(409, detail, ScimErrorTypes.Uniqueness);
}

/// <summary>The scimType values of RFC 7644 section 3.12.</summary>
public static class ScimErrorTypes
{
    public const string InvalidFilter = "invalidFilter";
    public const string TooMany = "tooMany";
    public const string Uniqueness = "uniqueness";
    public const string Mutability = "mutability";
    public const string InvalidSyntax = "invalidSyntax";
    public const string InvalidPath = "invalidPath";
    public const string NoTarget = "noTarget";
    public const string InvalidValue = "invalidValue";
    public const string InvalidVersion = "invalidVers";
    public const string Sensitive = "sensitive";
}
