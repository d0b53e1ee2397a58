using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using ScimBridge.Data;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>How a column compares: normalised (a copy folded by ScimText.Fold), case-insensitive, exact, boolean or timestamp.</summary>
internal enum ColumnKind { Normalized, IgnoreCase, Exact, Boolean, Timestamp }

internal sealed record Column(LambdaExpression Selector, ColumnKind Kind);

/// <summary>A multi-valued attribute stored as child rows (user values, group members).</summary>
internal sealed record CollectionColumn(LambdaExpression Collection, string? Discriminator, IReadOnlyDictionary<string, Column> SubColumns);

/// <summary>
/// Turns a SCIM filter into a LINQ predicate that EF Core runs in the database, so filtering never loads
/// rows into memory. Only attributes with a column can be filtered on; others are a 400 invalidFilter.
/// Semantics mirror <see cref="FilterEvaluator"/>: absent attributes never match, except under <c>ne</c> and <c>not</c>.
/// </summary>
internal sealed class FilterTranslator<TRecord>(
    ResourceTypeDefinition resourceType,
    IReadOnlyDictionary<string, Column> columns,
    IReadOnlyDictionary<string, CollectionColumn> collections)
{
    private static readonly MethodInfo StringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StringStartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo StringEndsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo StringSubstring = typeof(string).GetMethod(nameof(string.Substring), [typeof(int), typeof(int)])!;
    private static readonly MethodInfo StringSubstringFrom = typeof(string).GetMethod(nameof(string.Substring), [typeof(int)])!;
    private static readonly MethodInfo StringToLower = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo EnumerableAny = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Any) && m.GetParameters().Length == 2);

    public Expression<Func<TRecord, bool>> Translate(Filter filter)
    {
        var parameter = Expression.Parameter(typeof(TRecord), "r");
        return Expression.Lambda<Func<TRecord, bool>>(Build(filter, parameter, depth: 0), parameter);
    }

    public LambdaExpression? SortSelector(string sortBy)
    {
        var key = Key(AttributePath.Parse(sortBy), out _);
        if (key is null || !columns.TryGetValue(key, out var column))
        {
            return null;
        }

        // Strings sort as they compare (RFC 7644 section 3.4.2.3): a case-insensitive attribute sorts case-insensitively.
        return column.Kind == ColumnKind.IgnoreCase
            ? Expression.Lambda(Expression.Call(column.Selector.Body, StringToLower), column.Selector.Parameters)
            : column.Selector;
    }

    private Expression Build(Filter filter, ParameterExpression record, int depth)
    {
        if (depth > 64)
        {
            throw ScimException.InvalidFilter("The filter is nested too deeply.");
        }

        return filter switch
        {
            AndFilter or OrFilter => Chain(filter, operand => Build(operand, record, depth + 1)),
            NotFilter not => Expression.Not(Build(not.Inner, record, depth + 1)),
            ComparisonFilter comparison => BuildComparison(comparison, record),
            ValuePathFilter valuePath => BuildValuePath(valuePath, record, depth),
            _ => throw ScimException.InvalidFilter("Unsupported filter expression."),
        };
    }

    private Expression BuildComparison(ComparisonFilter comparison, ParameterExpression record)
    {
        var key = Key(comparison.Path, out var target)
            ?? throw ScimException.InvalidFilter($"Unknown attribute '{comparison.Path}' in filter.");

        if (columns.TryGetValue(key, out var column))
        {
            return Compare(Invoke(column.Selector, record), column.Kind, comparison, target);
        }

        // A sub-attribute of a multi-valued attribute (emails.value) or the attribute itself (emails → its value).
        var dot = key.LastIndexOf('.');
        var (collectionKey, subKey) = collections.ContainsKey(key) ? (key, "value") : dot < 0 ? (key, "value") : (key[..dot], key[(dot + 1)..]);
        if (collections.TryGetValue(collectionKey, out var collection) && collection.SubColumns.TryGetValue(subKey, out var sub))
        {
            return Any(collection, record, element => Compare(Invoke(sub.Selector, element), sub.Kind, comparison, target));
        }

        throw ScimException.InvalidFilter($"Filtering on '{comparison.Path}' is not supported by this server.");
    }

    private Expression BuildValuePath(ValuePathFilter valuePath, ParameterExpression record, int depth)
    {
        var key = Key(valuePath.Path, out var attribute);
        if (key is null || !collections.TryGetValue(key, out var collection) || attribute is null)
        {
            throw ScimException.InvalidFilter($"'{valuePath.Path}' is not a filterable multi-valued attribute.");
        }

        return Any(collection, record, element => BuildElement(valuePath.Inner, element, collection, attribute, depth + 1));
    }

    private static Expression BuildElement(Filter filter, ParameterExpression element, CollectionColumn collection, AttributeDefinition attribute, int depth)
    {
        if (depth > 64)
        {
            throw ScimException.InvalidFilter("The filter is nested too deeply.");
        }

        switch (filter)
        {
            case AndFilter or OrFilter:
                return Chain(filter, operand => BuildElement(operand, element, collection, attribute, depth + 1));
            case NotFilter not:
                return Expression.Not(BuildElement(not.Inner, element, collection, attribute, depth + 1));
            case ComparisonFilter comparison:
                var sub = attribute.FindSubAttribute(comparison.Path.Name);
                if (sub is null || comparison.Path.SubAttribute is not null || !collection.SubColumns.TryGetValue(sub.Name, out var column))
                {
                    throw ScimException.InvalidFilter($"Filtering on '{attribute.Name}.{comparison.Path}' is not supported.");
                }

                return Compare(Invoke(column.Selector, element), column.Kind, comparison, sub);
            default:
                throw ScimException.InvalidFilter("Value paths cannot be nested.");
        }
    }

    /// <summary>
    /// A chain of ands (or of ors) as one balanced tree: "id eq 1 or id eq 2 or …" is one level of nesting however
    /// long it is, and the SQL stays shallow enough for the database's expression depth limit.
    /// </summary>
    private static Expression Chain(Filter chain, Func<Filter, Expression> build)
    {
        var isAnd = chain is AndFilter;
        var operands = new List<Expression>();
        var pending = new Stack<Filter>();
        pending.Push(chain);
        while (pending.TryPop(out var current))
        {
            switch (current)
            {
                case AndFilter both when isAnd:
                    pending.Push(both.Right);
                    pending.Push(both.Left);
                    break;
                case OrFilter either when !isAnd:
                    pending.Push(either.Right);
                    pending.Push(either.Left);
                    break;
                default:
                    operands.Add(build(current));
                    break;
            }
        }

        return Balanced(operands, 0, operands.Count, isAnd ? Expression.AndAlso : Expression.OrElse);
    }

    private static Expression Balanced(List<Expression> operands, int start, int count, Func<Expression, Expression, Expression> combine)
    {
        if (count == 1)
        {
            return operands[start];
        }

        var half = count / 2;
        return combine(Balanced(operands, start, half, combine), Balanced(operands, start + half, count - half, combine));
    }

    private static Expression Any(CollectionColumn collection, ParameterExpression record, Func<ParameterExpression, Expression> predicate)
    {
        var source = Invoke(collection.Collection, record);
        var elementType = source.Type.GetGenericArguments()[0];
        var element = Expression.Parameter(elementType, "e");
        var body = predicate(element);
        if (collection.Discriminator is not null)
        {
            var discriminator = Expression.Equal(Expression.Property(element, nameof(UserValueRecord.Attribute)), Parameter(collection.Discriminator));
            body = Expression.AndAlso(discriminator, body);
        }

        return Expression.Call(EnumerableAny.MakeGenericMethod(elementType), source, Expression.Lambda(body, element));
    }

    /// <summary>The canonical key of a path: "userName", "name.givenName", "urn:…:User:employeeNumber", "emails.value".</summary>
    private string? Key(AttributePath path, out AttributeDefinition? target)
    {
        var resolved = resourceType.Resolve(path);
        target = resolved?.Target;
        if (resolved?.Attribute is null)
        {
            return null;
        }

        var name = resolved.SubAttribute is null ? resolved.Attribute.Name : $"{resolved.Attribute.Name}.{resolved.SubAttribute.Name}";
        if (resolved.SubAttribute is null && resolved.Attribute is { IsComplex: true, MultiValued: false } && resolved.Attribute.FindSubAttribute("value") is { } value)
        {
            // manager eq "id" compares manager.value.
            name = $"{resolved.Attribute.Name}.value";
            target = value;
        }

        return resolved.IsExtension ? $"{resolved.Schema.Id}:{name}" : name;
    }

    private static Expression Compare(Expression column, ColumnKind kind, ComparisonFilter comparison, AttributeDefinition? attribute)
    {
        var op = comparison.Operator;
        var value = comparison.Value;
        if (op == ComparisonOperator.Pr)
        {
            return kind switch
            {
                ColumnKind.Boolean or ColumnKind.Timestamp => Expression.Constant(true),
                _ => Expression.AndAlso(
                    Expression.NotEqual(column, Expression.Constant(null, typeof(string))),
                    Expression.NotEqual(column, Expression.Constant(string.Empty))),
            };
        }

        if (value.Kind == FilterValueKind.Null)
        {
            return op switch
            {
                ComparisonOperator.Eq => kind is ColumnKind.Boolean or ColumnKind.Timestamp ? Expression.Constant(false) : Expression.Equal(column, Expression.Constant(null, typeof(string))),
                ComparisonOperator.Ne => kind is ColumnKind.Boolean or ColumnKind.Timestamp ? Expression.Constant(true) : Expression.NotEqual(column, Expression.Constant(null, typeof(string))),
                _ => throw ScimException.InvalidFilter($"'{op.ToString().ToLowerInvariant()}' cannot compare with null."),
            };
        }

        return kind switch
        {
            ColumnKind.Boolean => CompareBoolean(column, op, value, comparison),
            ColumnKind.Timestamp => CompareTimestamp(column, op, value, comparison),
            _ => CompareString(column, kind, op, value, attribute),
        };
    }

    private static Expression CompareBoolean(Expression column, ComparisonOperator op, FilterValue value, ComparisonFilter comparison)
    {
        var b = value.AsBoolean() ?? throw ScimException.InvalidFilter($"'{comparison.Path}' is a boolean; compare it with true or false.");
        return op switch
        {
            ComparisonOperator.Eq => Expression.Equal(column, Expression.Constant(b)),
            ComparisonOperator.Ne => Expression.NotEqual(column, Expression.Constant(b)),
            _ => throw ScimException.InvalidFilter($"'{op.ToString().ToLowerInvariant()}' is not defined for the boolean '{comparison.Path}'."),
        };
    }

    private static Expression CompareTimestamp(Expression column, ComparisonOperator op, FilterValue value, ComparisonFilter comparison)
    {
        if (value.Kind != FilterValueKind.String
            || !DateTimeOffset.TryParse(value.String, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            throw ScimException.InvalidFilter($"'{comparison.Path}' is a dateTime; compare it with an ISO 8601 string such as \"2026-01-01T00:00:00Z\".");
        }

        var right = Parameter(instant.ToUniversalTime());
        return op switch
        {
            ComparisonOperator.Eq => Expression.Equal(column, right),
            ComparisonOperator.Ne => Expression.NotEqual(column, right),
            ComparisonOperator.Gt => Expression.GreaterThan(column, right),
            ComparisonOperator.Ge => Expression.GreaterThanOrEqual(column, right),
            ComparisonOperator.Lt => Expression.LessThan(column, right),
            ComparisonOperator.Le => Expression.LessThanOrEqual(column, right),
            _ => throw ScimException.InvalidFilter($"'{op.ToString().ToLowerInvariant()}' is not defined for the dateTime '{comparison.Path}'."),
        };
    }

    private static Expression CompareString(Expression column, ColumnKind kind, ComparisonOperator op, FilterValue value, AttributeDefinition? attribute)
    {
        var text = value.ToString();
        if (attribute?.Type == AttributeType.Boolean && value.AsBoolean() is { } b)
        {
            text = b ? "true" : "false";
        }

        Expression left = column;
        switch (kind)
        {
            case ColumnKind.Normalized:
                text = ScimText.Fold(text);
                break;
            case ColumnKind.IgnoreCase:
                left = Expression.Call(column, StringToLower);
                text = text.ToLowerInvariant();
                break;
        }

        var right = Parameter(text);
        var isNull = Expression.Equal(column, Expression.Constant(null, typeof(string)));
        var notNull = Expression.Not(isNull);
        return op switch
        {
            ComparisonOperator.Eq => Expression.Equal(left, right),
            ComparisonOperator.Ne => Expression.OrElse(isNull, Expression.NotEqual(left, right)),
            ComparisonOperator.Co => Expression.AndAlso(notNull, Expression.Call(left, StringContains, right)),
            ComparisonOperator.Sw => Expression.AndAlso(notNull, AlsoExact(kind, Expression.Call(left, StringStartsWith, right),
                Expression.Equal(Expression.Call(left, StringSubstring, Expression.Constant(0), Length(right)), right))),
            ComparisonOperator.Ew => Expression.AndAlso(notNull, AlsoExact(kind, Expression.Call(left, StringEndsWith, right),
                Expression.Equal(Expression.Call(left, StringSubstringFrom, Expression.Subtract(Length(left), Length(right))), right))),
            ComparisonOperator.Gt => Expression.AndAlso(notNull, Expression.GreaterThan(Expression.Call(StringCompare, left, right), Expression.Constant(0))),
            ComparisonOperator.Ge => Expression.AndAlso(notNull, Expression.GreaterThanOrEqual(Expression.Call(StringCompare, left, right), Expression.Constant(0))),
            ComparisonOperator.Lt => Expression.AndAlso(notNull, Expression.LessThan(Expression.Call(StringCompare, left, right), Expression.Constant(0))),
            ComparisonOperator.Le => Expression.AndAlso(notNull, Expression.LessThanOrEqual(Expression.Call(StringCompare, left, right), Expression.Constant(0))),
            _ => throw ScimException.InvalidFilter($"Unsupported operator '{op}'."),
        };
    }

    /// <summary>
    /// SQLite's LIKE (which StartsWith and EndsWith become) ignores ASCII case; a case-exact column also compares
    /// the prefix or suffix itself.
    /// </summary>
    private static Expression AlsoExact(ColumnKind kind, Expression like, Expression exact) =>
        kind == ColumnKind.Exact ? Expression.AndAlso(like, exact) : like;

    private static Expression Length(Expression text) => Expression.Property(text, nameof(string.Length));

    private static Expression Invoke(LambdaExpression selector, Expression argument) =>
        new ParameterReplacer(selector.Parameters[0], argument).Visit(selector.Body);

    /// <summary>Values go in as parameters, so the database caches one plan per filter shape.</summary>
    /// <remarks>A field of a constant is what a C# closure looks like, which EF Core reads without compiling anything.</remarks>
    private static Expression Parameter<T>(T value) => Expression.Field(Expression.Constant(new Box<T>(value)), Box<T>.ValueField);

    private sealed class Box<T>(T value)
    {
        public static readonly FieldInfo ValueField = typeof(Box<T>).GetField(nameof(Value))!;

#pragma warning disable CA1051 // a public field on purpose, see Parameter
        public readonly T Value = value;
#pragma warning restore CA1051
    }

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}

/// <summary>The columns each SCIM attribute filters and sorts on.</summary>
internal static class FilterColumns
{
    public static FilterTranslator<UserRecord> Users { get; } = new(ScimSchemas.UserResourceType, UserColumns(), UserCollections());

    public static FilterTranslator<GroupRecord> Groups { get; } = new(ScimSchemas.GroupResourceType, GroupColumns(), GroupCollections());

    private static Column C<TRecord, TValue>(Expression<Func<TRecord, TValue>> selector, ColumnKind kind) => new(selector, kind);

    private static Dictionary<string, Column> UserColumns()
    {
        const string e = SchemaUrns.EnterpriseUser;
        return new(StringComparer.OrdinalIgnoreCase)
        {
            ["id"] = C<UserRecord, string>(u => u.Id, ColumnKind.Exact),
            ["externalId"] = C<UserRecord, string?>(u => u.ExternalId, ColumnKind.Exact),
            ["userName"] = C<UserRecord, string>(u => u.UserNameNormalized, ColumnKind.Normalized),
            ["displayName"] = C<UserRecord, string?>(u => u.DisplayNameNormalized, ColumnKind.Normalized),
            ["active"] = C<UserRecord, bool>(u => u.Active, ColumnKind.Boolean),
            ["title"] = C<UserRecord, string?>(u => u.Title, ColumnKind.IgnoreCase),
            ["userType"] = C<UserRecord, string?>(u => u.UserType, ColumnKind.IgnoreCase),
            ["nickName"] = C<UserRecord, string?>(u => u.NickName, ColumnKind.IgnoreCase),
            ["locale"] = C<UserRecord, string?>(u => u.Locale, ColumnKind.IgnoreCase),
            ["timezone"] = C<UserRecord, string?>(u => u.Timezone, ColumnKind.IgnoreCase),
            ["preferredLanguage"] = C<UserRecord, string?>(u => u.PreferredLanguage, ColumnKind.IgnoreCase),
            ["profileUrl"] = C<UserRecord, string?>(u => u.ProfileUrl, ColumnKind.IgnoreCase),
            ["name.givenName"] = C<UserRecord, string?>(u => u.GivenName, ColumnKind.IgnoreCase),
            ["name.familyName"] = C<UserRecord, string?>(u => u.FamilyName, ColumnKind.IgnoreCase),
            ["name.formatted"] = C<UserRecord, string?>(u => u.FormattedName, ColumnKind.IgnoreCase),
            ["meta.created"] = C<UserRecord, DateTimeOffset>(u => u.Created, ColumnKind.Timestamp),
            ["meta.lastModified"] = C<UserRecord, DateTimeOffset>(u => u.LastModified, ColumnKind.Timestamp),
            [$"{e}:employeeNumber"] = C<UserRecord, string?>(u => u.EmployeeNumber, ColumnKind.IgnoreCase),
            [$"{e}:department"] = C<UserRecord, string?>(u => u.Department, ColumnKind.IgnoreCase),
            [$"{e}:costCenter"] = C<UserRecord, string?>(u => u.CostCenter, ColumnKind.IgnoreCase),
            [$"{e}:organization"] = C<UserRecord, string?>(u => u.Organization, ColumnKind.IgnoreCase),
            [$"{e}:division"] = C<UserRecord, string?>(u => u.Division, ColumnKind.IgnoreCase),
            [$"{e}:manager.value"] = C<UserRecord, string?>(u => u.ManagerId, ColumnKind.Exact),
        };
    }

    private static Dictionary<string, CollectionColumn> UserCollections()
    {
        var subColumns = new Dictionary<string, Column>(StringComparer.OrdinalIgnoreCase)
        {
            ["value"] = C<UserValueRecord, string?>(v => v.ValueNormalized, ColumnKind.Normalized),
            ["formatted"] = C<UserValueRecord, string?>(v => v.ValueNormalized, ColumnKind.Normalized),
            ["type"] = C<UserValueRecord, string?>(v => v.Type, ColumnKind.IgnoreCase),
            ["display"] = C<UserValueRecord, string?>(v => v.Display, ColumnKind.IgnoreCase),
            ["primary"] = C<UserValueRecord, bool>(v => v.Primary, ColumnKind.Boolean),
        };
        Expression<Func<UserRecord, List<UserValueRecord>>> values = u => u.Values;
        return UserMapping.MultiValuedAttributes.ToDictionary(
            a => a, a => new CollectionColumn(values, a, subColumns), StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, Column> GroupColumns() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["id"] = C<GroupRecord, string>(g => g.Id, ColumnKind.Exact),
        ["externalId"] = C<GroupRecord, string?>(g => g.ExternalId, ColumnKind.Exact),
        ["displayName"] = C<GroupRecord, string>(g => g.DisplayNameNormalized, ColumnKind.Normalized),
        ["meta.created"] = C<GroupRecord, DateTimeOffset>(g => g.Created, ColumnKind.Timestamp),
        ["meta.lastModified"] = C<GroupRecord, DateTimeOffset>(g => g.LastModified, ColumnKind.Timestamp),
    };

    private static Dictionary<string, CollectionColumn> GroupCollections()
    {
        Expression<Func<GroupRecord, List<GroupMemberRecord>>> members = g => g.Members;
        return new(StringComparer.OrdinalIgnoreCase)
        {
            ["members"] = new CollectionColumn(members, null, new Dictionary<string, Column>(StringComparer.OrdinalIgnoreCase)
            {
                ["value"] = C<GroupMemberRecord, string>(m => m.MemberId, ColumnKind.Exact),
                ["type"] = C<GroupMemberRecord, string>(m => m.MemberType, ColumnKind.IgnoreCase),
            }),
        };
    }
}
