namespace LlamaJump.Dumps.Corpus;

/// <summary>Recognises WikiText (Merity et al. 2016) formatting: <c> = Heading = </c> lines and tokens separated
/// by spaces (<c>word , word</c>, <c>1 @,@ 000</c>, <c>3 @.@ 5</c>, <c>a @-@ b</c>).</summary>
public static class WikiTextFormat
{
    /// <summary>True when at least half of the text's commas (and at least 3) stand alone between spaces, or the
    /// text holds at least 3 of WikiText's <c>@-@</c>, <c>@,@</c>, <c>@.@</c> markers. Ordinary prose almost never
    /// puts a space before a comma.</summary>
    public static bool LooksLikeWikiText(string text)
    {
        int commas = 0, spacedCommas = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != ',' || (i > 0 && text[i - 1] == '@'))
                continue;
            commas++;
            if (i > 0 && text[i - 1] == ' ' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])))
                spacedCommas++;
        }
        int markers = Count(text, "@-@") + Count(text, "@,@") + Count(text, "@.@");
        return (commas >= 3 && spacedCommas * 2 >= commas) || markers >= 3;
    }

    /// <summary>A WikiText heading line: after trimming, it starts with <c>"= "</c> and ends with <c>" ="</c>
    /// (<c> = Title = </c>, <c> = = Section = = </c>).</summary>
    public static bool IsHeading(string line)
    {
        var trimmed = line.AsSpan().Trim();
        return trimmed.Length >= 3 && trimmed.StartsWith("= ") && trimmed.EndsWith(" =");
    }

    private static int Count(string text, string needle)
    {
        int count = 0;
        for (int at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0;
             at = text.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
