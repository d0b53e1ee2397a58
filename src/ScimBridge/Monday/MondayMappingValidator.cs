using FluentValidation;
using FluentValidation.Results;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Filters;

namespace ScimBridge.Monday;

/// <summary>Validates <see cref="MondayMappingOptions"/>; every message starts with the configuration key at fault.</summary>
public sealed class MondayMappingValidator : AbstractValidator<MondayMappingOptions>
{
    private const string Prefix = MondayMappingOptions.Section;
    private static readonly string TypeList = string.Join(", ", MondayMappingOptions.MondayUserTypes);

    public MondayMappingValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) => context.AddFailure(new ValidationFailure(key, $"{key}: {message}"));

            if (!IsUserType(o.DefaultUserType))
            {
                Fail($"{Prefix}:DefaultUserType", $"'{o.DefaultUserType}' is not a monday userType ({TypeList})");
            }

            foreach (var (source, target) in o.UserTypes ?? [])
            {
                if (!IsUserType(target))
                {
                    Fail($"{Prefix}:UserTypes:{source}", $"'{target}' is not a monday userType ({TypeList})");
                }
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var rules = o.Attributes ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                var key = $"{Prefix}:Attributes:{i}";
                if (rule is null)
                {
                    Fail(key, "the rule is empty");
                    continue;
                }

                if (rule.Target is null || !MondayMappingOptions.Targets.Contains(rule.Target, StringComparer.OrdinalIgnoreCase))
                {
                    Fail($"{key}:Target", $"'{rule.Target}' is not a monday attribute ({string.Join(", ", MondayMappingOptions.Targets)})");
                }
                else if (!seen.Add(rule.Target))
                {
                    Fail($"{key}:Target", $"'{rule.Target}' is mapped more than once");
                }

                if (!Enum.IsDefined(rule.Transform))
                {
                    Fail($"{key}:Transform", $"'{rule.Transform}' is not a transform");
                }

                switch (rule.Transform)
                {
                    case MondayTransform.Constant:
                        if (rule.Value is null)
                        {
                            Fail($"{key}:Value", "a Constant rule needs a Value");
                        }

                        break;
                    case MondayTransform.FirstNonEmpty:
                        if (rule.Sources is null || rule.Sources.Count == 0)
                        {
                            Fail($"{key}:Sources", "a FirstNonEmpty rule needs at least one source path");
                        }
                        else
                        {
                            for (var j = 0; j < rule.Sources.Count; j++)
                            {
                                CheckPath($"{key}:Sources:{j}", rule.Sources[j], Fail);
                            }
                        }

                        break;
                    default:
                        CheckPath($"{key}:Source", rule.Source, Fail);
                        if (rule.Transform == MondayTransform.Lookup && (rule.Table is null || rule.Table.Count == 0))
                        {
                            Fail($"{key}:Table", "a Lookup rule needs a Table");
                        }

                        break;
                }
            }

            if (o.ScopeFilter is not null)
            {
                try
                {
                    FilterParser.Parse(o.ScopeFilter);
                }
                catch (ScimException ex)
                {
                    Fail($"{Prefix}:ScopeFilter", $"'{o.ScopeFilter}' is not a valid SCIM filter ({ex.Message})");
                }
            }
        });
    }

    private static bool IsUserType(string? value) =>
        value is not null && MondayMappingOptions.MondayUserTypes.Contains(value, StringComparer.Ordinal);

    private static void CheckPath(string key, string? path, Action<string, string> fail)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            fail(key, "a SCIM attribute path is required");
            return;
        }

        try
        {
            FilterParser.ParsePatchPath(path);
        }
        catch (ScimException ex)
        {
            fail(key, $"'{path}' is not a valid SCIM attribute path ({ex.Message})");
        }
    }
}
