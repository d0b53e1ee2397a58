using System.Globalization;
using System.Text.RegularExpressions;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Filters;

/// <summary>
/// Parses RFC 7644 filters (section 3.4.2.2) and PATCH paths (section 3.5.2), with the leniency real
/// clients need: case-insensitive operators and keywords, <c>not(...)</c> without a space, unquoted
/// bare-word values (<c>externalId eq jyoung</c>) and <c>emails[type eq "work"].value eq "x"</c>.
/// </summary>
public static partial class FilterParser
{
    /// <summary>The longest filter or path accepted.</summary>
    public const int MaxLength = 10_000;

    /// <summary>The deepest nesting of parentheses and brackets accepted.</summary>
    public const int MaxDepth = 50;

    /// <summary>Parses a filter; throws <see cref="ScimException"/> 400 <c>invalidFilter</c> on any error.</summary>
    public static Filter Parse(string text)
    {
        if (text is null)
        {
            throw ScimException.InvalidFilter("The filter is missing.");
        }

        if (text.Length > MaxLength)
        {
            throw ScimException.InvalidFilter($"The filter is {text.Length} characters long; at most {MaxLength} are accepted.");
        }

        var parser = new Parser(text, ScimException.InvalidFilter, "filter");
        return parser.ParseWholeFilter();
    }

    /// <summary>
    /// Parses a PATCH path: <c>attrPath</c>, or <c>attrPath "[" valFilter "]" ["." subAttr]</c>;
    /// throws <see cref="ScimException"/> 400 <c>invalidPath</c> on any error.
    /// </summary>
    public static PatchPath ParsePatchPath(string text)
    {
        if (text is null)
        {
            throw ScimException.InvalidPath("The path is missing.");
        }

        if (text.Length > MaxLength)
        {
            throw ScimException.InvalidPath($"The path is {text.Length} characters long; at most {MaxLength} are accepted.");
        }

        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw ScimException.InvalidPath("The path is empty.");
        }

        var bracket = trimmed.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return new PatchPath(ParsePathText(trimmed, trimmed));
        }

        var attribute = ParsePathText(trimmed[..bracket], trimmed);
        if (attribute.SubAttribute is not null)
        {
            throw ScimException.InvalidPath(
                $"In the path '{trimmed}', a value filter must follow an attribute without a sub-attribute (such as 'emails[type eq \"work\"].value').");
        }

        var parser = new Parser(trimmed, ScimException.InvalidPath, "path");
        var (filter, end) = parser.ParseValueFilterAt(bracket);
        var rest = trimmed[end..];
        if (rest.Length == 0)
        {
            return new PatchPath(attribute, filter);
        }

        if (rest[0] == '.' && AttributePath.IsValidName(rest[1..]))
        {
            return new PatchPath(attribute, filter, rest[1..]);
        }

        throw ScimException.InvalidPath(
            $"Unexpected '{Snippet(rest)}' at position {end} of the path '{trimmed}': after ']' only '.subAttribute' may follow.");
    }

    private static AttributePath ParsePathText(string pathText, string whole)
    {
        if (pathText.Length == 0 || pathText.Any(c => !FilterScanner.IsWordChar(c)))
        {
            throw ScimException.InvalidPath($"'{whole}' is not a valid attribute path.");
        }

        try
        {
            return AttributePath.Parse(pathText);
        }
        catch (ScimException)
        {
            throw ScimException.InvalidPath($"'{whole}' is not a valid attribute path.");
        }
    }

    internal static string Snippet(string text) => text.Length <= 30 ? text : string.Concat(text.AsSpan(0, 27), "...");

    private sealed partial class Parser(string text, Func<string, ScimException> error, string subject)
    {
        private readonly FilterScanner _scanner = new(text, error);
        private int _depth;

        public Filter ParseWholeFilter()
        {
            var first = _scanner.Peek();
            if (first.Kind == TokenKind.End)
            {
                throw error($"The {subject} is empty.");
            }

            var filter = ParseOr(inValuePath: false);
            var trailing = _scanner.Peek();
            if (trailing.Kind != TokenKind.End)
            {
                throw error($"Unexpected {Describe(trailing)} at position {trailing.Start}: expected 'and', 'or' or the end of the {subject}.");
            }

            return filter;
        }

        /// <summary>Parses <c>[valFilter]</c> whose '[' is at <paramref name="bracket"/>; returns the filter and the index after ']'.</summary>
        public (Filter Filter, int End) ParseValueFilterAt(int bracket)
        {
            _scanner.Position = bracket;
            var open = _scanner.Next();
            var filter = ParseValueFilterBody(open, inValuePath: false);
            return (filter, _scanner.Position);
        }

        private Filter ParseOr(bool inValuePath)
        {
            var left = ParseAnd(inValuePath);
            while (IsKeyword(_scanner.Peek(), "or"))
            {
                _scanner.Next();
                var right = ParseAnd(inValuePath);
                left = new OrFilter(left, right);
            }

            return left;
        }

        private Filter ParseAnd(bool inValuePath)
        {
            var left = ParseUnary(inValuePath);
            while (IsKeyword(_scanner.Peek(), "and"))
            {
                _scanner.Next();
                var right = ParseUnary(inValuePath);
                left = new AndFilter(left, right);
            }

            return left;
        }

        private Filter ParseUnary(bool inValuePath)
        {
            var token = _scanner.Peek();
            if (token.Kind == TokenKind.LeftParen)
            {
                _scanner.Next();
                return ParseGroup(token, inValuePath);
            }

            if (IsKeyword(token, "not"))
            {
                var afterNot = _scanner.Read(token.End);
                if (afterNot.Kind == TokenKind.LeftParen)
                {
                    _scanner.Next();
                    _scanner.Next();
                    return new NotFilter(ParseGroup(afterNot, inValuePath));
                }
            }

            if (token.Kind != TokenKind.Word)
            {
                throw error($"Expected an attribute path, '(' or 'not (' at position {token.Start}, but found {Describe(token)}.");
            }

            _scanner.Next();
            var path = ParseAttributePath(token, inValuePath);
            if (_scanner.Position < _scanner.Text.Length && _scanner.Text[_scanner.Position] == '[')
            {
                var open = _scanner.Next();
                if (inValuePath)
                {
                    throw error($"Nested value paths are not allowed: unexpected '[' at position {open.Start}.");
                }

                if (path.SubAttribute is not null)
                {
                    throw error($"A value path must start with an attribute without a sub-attribute, but '{token.Text}' at position {token.Start} has one.");
                }

                var inner = ParseValueFilterBody(open, inValuePath);
                if (_scanner.Position < _scanner.Text.Length && _scanner.Text[_scanner.Position] == '.')
                {
                    // Non-standard but seen: emails[type eq "work"].value eq "x" means emails[type eq "work" and value eq "x"].
                    var subToken = _scanner.Next();
                    var subName = subToken.Text[1..];
                    if (!AttributePath.IsValidName(subName))
                    {
                        throw error($"'{Snippet(subToken.Text)}' at position {subToken.Start} is not a valid sub-attribute after a value path.");
                    }

                    var comparison = ParseComparison(new AttributePath(null, subName), subToken);
                    return new ValuePathFilter(path, new AndFilter(inner, comparison));
                }

                return new ValuePathFilter(path, inner);
            }

            return ParseComparison(path, token);
        }

        private Filter ParseGroup(Token open, bool inValuePath)
        {
            Enter(open);
            var inner = ParseOr(inValuePath);
            var close = _scanner.Peek();
            if (close.Kind != TokenKind.RightParen)
            {
                throw error($"Expected ')' to close the '(' at position {open.Start}, but found {Describe(close)} at position {close.Start}.");
            }

            _scanner.Next();
            _depth--;
            return inner;
        }

        private Filter ParseValueFilterBody(Token open, bool inValuePath)
        {
            if (inValuePath)
            {
                throw error($"Nested value paths are not allowed: unexpected '[' at position {open.Start}.");
            }

            Enter(open);
            if (_scanner.Peek().Kind == TokenKind.RightBracket)
            {
                throw error($"The value filter '[]' at position {open.Start} is empty.");
            }

            var inner = ParseOr(inValuePath: true);
            var close = _scanner.Peek();
            if (close.Kind != TokenKind.RightBracket)
            {
                throw error($"Expected ']' to close the '[' at position {open.Start}, but found {Describe(close)} at position {close.Start}.");
            }

            _scanner.Next();
            _depth--;
            return inner;
        }

        private Filter ParseComparison(AttributePath path, Token pathToken)
        {
            var opToken = _scanner.Peek();
            if (opToken.Kind != TokenKind.Word || !TryParseOperator(opToken.Text, out var op))
            {
                throw error(
                    $"Expected a comparison operator (eq, ne, co, sw, ew, pr, gt, ge, lt, le) after '{Snippet(pathToken.Text)}' at position {opToken.Start}, but found {Describe(opToken)}.");
            }

            _scanner.Next();
            if (op == ComparisonOperator.Pr)
            {
                var next = _scanner.Peek();
                if (next.Kind == TokenKind.String || (next.Kind == TokenKind.Word && !IsKeyword(next, "and") && !IsKeyword(next, "or")))
                {
                    throw error($"The 'pr' operator takes no value, but {Describe(next)} follows it at position {next.Start}.");
                }

                return new ComparisonFilter(path, op, FilterValue.None);
            }

            var valueToken = _scanner.Peek();
            var value = valueToken.Kind switch
            {
                TokenKind.String => FilterValue.Of(valueToken.Text),
                TokenKind.Word => ParseWordValue(valueToken),
                _ => throw error($"Expected a value after '{opToken.Text}' at position {valueToken.Start}, but found {Describe(valueToken)}."),
            };
            _scanner.Next();

            if (value.Kind == FilterValueKind.Null && op is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
            {
                throw error($"null can only be compared with 'eq' or 'ne', not '{opToken.Text}' (position {valueToken.Start}).");
            }

            return new ComparisonFilter(path, op, value);
        }

        private static FilterValue ParseWordValue(Token token)
        {
            var word = token.Text;
            if (word.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return FilterValue.Of(true);
            }

            if (word.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return FilterValue.Of(false);
            }

            if (word.Equals("null", StringComparison.OrdinalIgnoreCase))
            {
                return FilterValue.Null;
            }

            if (JsonNumber().IsMatch(word))
            {
                // A number too large for decimal falls through to a string, like any other bare word.
                if (decimal.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return FilterValue.Of(number);
                }
            }

            // Real-client leniency: an unquoted bare word (externalId eq jyoung) is a string.
            return FilterValue.Of(word);
        }

        private AttributePath ParseAttributePath(Token token, bool inValuePath)
        {
            AttributePath path;
            try
            {
                path = AttributePath.Parse(token.Text);
            }
            catch (ScimException)
            {
                throw error($"'{Snippet(token.Text)}' at position {token.Start} is not a valid attribute path.");
            }

            if (inValuePath && (path.SchemaUrn is not null || path.SubAttribute is not null))
            {
                throw error(
                    $"Inside a value filter, '{Snippet(token.Text)}' at position {token.Start} must be a plain sub-attribute name such as 'type' or 'value'.");
            }

            return path;
        }

        private void Enter(Token open)
        {
            _depth++;
            if (_depth > MaxDepth)
            {
                throw error($"The {subject} is nested more than {MaxDepth} levels deep (at position {open.Start}).");
            }
        }

        private string Describe(Token token) => token.Kind switch
        {
            TokenKind.End => $"the end of the {subject}",
            TokenKind.String => $"the string \"{Snippet(token.Text)}\"",
            _ => $"'{Snippet(token.Text)}'",
        };

        private static bool IsKeyword(Token token, string keyword) =>
            token.Kind == TokenKind.Word && token.Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

        private static bool TryParseOperator(string word, out ComparisonOperator op)
        {
            switch (word.ToUpperInvariant())
            {
                case "EQ": op = ComparisonOperator.Eq; return true;
                case "NE": op = ComparisonOperator.Ne; return true;
                case "CO": op = ComparisonOperator.Co; return true;
                case "SW": op = ComparisonOperator.Sw; return true;
                case "EW": op = ComparisonOperator.Ew; return true;
                case "PR": op = ComparisonOperator.Pr; return true;
                case "GT": op = ComparisonOperator.Gt; return true;
                case "GE": op = ComparisonOperator.Ge; return true;
                case "LT": op = ComparisonOperator.Lt; return true;
                case "LE": op = ComparisonOperator.Le; return true;
                default: op = default; return false;
            }
        }

        [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
        private static partial Regex JsonNumber();
    }
}
