using System.Text;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Tests.Filters;

public class FilterFuzzTests
{
    private static readonly string[] Seeds =
    [
        "userName eq \"bjensen\"",
        "name.familyName co \"O'Malley\"",
        "userName sw \"J\"",
        "urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"J\"",
        "title pr",
        "meta.lastModified gt \"2011-05-13T04:42:34Z\"",
        "meta.lastModified ge \"2011-05-13T04:42:34Z\" and meta.lastModified le \"2030-01-01\"",
        "title pr and userType eq \"Employee\"",
        "title pr or userType eq \"Intern\"",
        "schemas eq \"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User\"",
        "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
        "userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
        "userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
        "emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
        "emails[type eq \"work\"].value eq \"x@y\"",
        "externalId eq jyoung",
        "id eq 54D382A4-2050-4C03-94D1-E769F1D15682 and manager eq 2819c223-7f76-453a-919d-413861904646",
        "active eq \"True\" and urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr",
        "displayName eq \"caf\\u00e9 \\\"quoted\\\" \\\\ back\"",
        "employeeNumber gt 1.5e3 or active eq null",
        "members[value eq \"7f4b\"]",
        "emails[type eq \"work\"].value",
    ];

    private static readonly string[] Fragments =
    [
        " ", "  ", "\t", "(", ")", "[", "]", "\"", "\\", "\\u", "\\u00", ".", ":", "urn:", "and", "or", "not", "not(", "eq", "ne", "co",
        "sw", "ew", "pr", "gt", "ge", "lt", "le", "true", "false", "null", "1", "-1.5e9", "1e99999", "userName", "emails", "value",
        "type", "meta.lastModified", "active", "manager", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", ":manager.value",
        "\"x\"", "\"2020-01-01T00:00:00Z\"", "\u00e9", "\0", "\uD800", "$ref", "[type eq \"work\"]", "].value", "é", "\r\n",
    ];

    [Fact]
    public void Random_and_mutated_inputs_only_ever_raise_ScimException()
    {
        var random = new Random(20240501);
        var user = JsonNode.Parse(FilterEvaluatorTests.SampleUserJson)!.AsObject();
        var emails = ScimSchemas.User.FindAttribute("emails")!;
        var parsed = 0;
        for (var i = 0; i < 4000; i++)
        {
            var input = (i % 4) switch
            {
                0 => RandomCharacters(random),
                1 => RandomFragments(random),
                _ => Mutate(random, Seeds[random.Next(Seeds.Length)]),
            };

            try
            {
                var filter = FilterParser.Parse(input);
                parsed++;
                _ = FilterFormat.Show(filter);
                TryEvaluate(() => FilterEvaluator.Matches(filter, user, ScimSchemas.UserResourceType));
                TryEvaluate(() => FilterEvaluator.Matches(filter, user, ScimSchemas.GroupResourceType));
                TryEvaluate(() => FilterEvaluator.MatchesElement(filter, user["emails"]![0], emails));
            }
            catch (ScimException e)
            {
                Assert.Equal(ScimErrorTypes.InvalidFilter, e.ScimType);
                Assert.False(string.IsNullOrWhiteSpace(e.Detail));
            }
            catch (Exception e)
            {
                Assert.Fail($"Parse threw {e.GetType().Name} for input {Escape(input)}: {e}");
            }

            try
            {
                _ = FilterParser.ParsePatchPath(input);
            }
            catch (ScimException e)
            {
                Assert.Equal(ScimErrorTypes.InvalidPath, e.ScimType);
            }
            catch (Exception e)
            {
                Assert.Fail($"ParsePatchPath threw {e.GetType().Name} for input {Escape(input)}: {e}");
            }
        }

        // The mutations keep enough inputs valid for the evaluator to be exercised too.
        Assert.True(parsed > 400, $"only {parsed} inputs parsed");
    }

    private static void TryEvaluate(Func<bool> evaluate)
    {
        try
        {
            _ = evaluate();
        }
        catch (ScimException e)
        {
            Assert.Equal(ScimErrorTypes.InvalidFilter, e.ScimType);
        }
    }

    private static string RandomCharacters(Random random)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 \t()[]\"\\.:-_$@/+eqnprtgl\u00e9\u0000\uD83D\uDE00";
        var length = random.Next(0, 60);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }

    private static string RandomFragments(Random random)
    {
        var count = random.Next(0, 25);
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
            if (random.Next(3) > 0)
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    private static string Mutate(Random random, string seed)
    {
        var builder = new StringBuilder(seed);
        var mutations = random.Next(0, 4);
        for (var m = 0; m < mutations; m++)
        {
            var position = random.Next(builder.Length + 1);
            switch (random.Next(5))
            {
                case 0 when builder.Length > 0 && position < builder.Length:
                    builder.Remove(position, Math.Min(random.Next(1, 6), builder.Length - position));
                    break;
                case 1:
                    builder.Insert(position, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2 when position < builder.Length:
                    builder[position] = "()[]\" .:\\x"[random.Next(10)];
                    break;
                case 3:
                    builder.Insert(position, random.Next(2) == 0 ? new string('(', random.Next(1, 70)) : " and " + seed);
                    break;
                default:
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Escape(string input) =>
        string.Concat(input.Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
