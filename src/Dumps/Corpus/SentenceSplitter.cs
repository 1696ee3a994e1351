namespace LlamaJump.Dumps.Corpus;

/// <summary>Splits a paragraph (one line of text) into sentences. A sentence ends at <c>.</c>, <c>!</c> or
/// <c>?</c> — with any closing quotes, brackets and further end marks right after it — when that is followed by
/// the end of the paragraph, or by whitespace and then a capital letter (optionally behind an opening quote or
/// bracket). A period does not end a sentence after a common abbreviation (<c>Mr.</c>, <c>Dr.</c>, <c>St.</c>,
/// <c>e.g.</c>, <c>i.e.</c>, <c>vs.</c>, …), after a single capital letter (an initial: <c>John F. Kennedy</c>) or
/// after dotted initials (<c>U.S.</c>, <c>U.K.</c>); a decimal point is never followed by a space, so
/// <c>3.5</c> never splits. Known limit: a sentence that really ends with such an abbreviation is joined to the
/// next one.</summary>
public static class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "Mr", "Mrs", "Ms", "Messrs", "Dr", "St", "Jr", "Sr", "Prof", "Rev", "Fr", "Gen", "Col", "Lt", "Maj", "Capt",
        "Cpt", "Sgt", "Cpl", "Adm", "Cmdr", "Gov", "Sen", "Rep", "Hon", "Pres", "Mt", "Ft", "No", "Nos", "Vol",
        "Vols", "Fig", "Figs", "vs", "cf", "al", "ca", "approx", "Op", "pp", "Ch", "Sec",
    };

    /// <summary>The sentences of <paramref name="paragraph"/>, trimmed, in order, none empty.</summary>
    public static IEnumerable<string> Split(string paragraph)
    {
        int start = 0;
        for (int i = 0; i < paragraph.Length; i++)
        {
            if (paragraph[i] is not ('.' or '!' or '?'))
                continue;
            int end = i + 1;
            while (end < paragraph.Length && paragraph[end] is '.' or '!' or '?' or '"' or '\'' or ')' or ']' or '”' or '’')
                end++;
            if (!EndsSentence(paragraph, i, end))
                continue;
            string sentence = paragraph[start..end].Trim();
            if (sentence.Length > 0)
                yield return sentence;
            start = end;
            i = end - 1;
        }
        string rest = paragraph[start..].Trim();
        if (rest.Length > 0)
            yield return rest;
    }

    private static bool EndsSentence(string text, int mark, int end)
    {
        if (end < text.Length)
        {
            if (!char.IsWhiteSpace(text[end]))
                return false;
            int next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
                next++;
            if (next < text.Length && text[next] is '"' or '\'' or '(' or '[' or '“' or '‘')
                next++;
            if (next >= text.Length || !char.IsUpper(text[next]))
                return false;
        }
        return text[mark] != '.' || !IsAbbreviation(WordBefore(text, mark));
    }

    /// <summary>The word that the period at <paramref name="mark"/> closes, without leading brackets or quotes.</summary>
    private static string WordBefore(string text, int mark)
    {
        int begin = mark;
        while (begin > 0 && !char.IsWhiteSpace(text[begin - 1]))
            begin--;
        return text[begin..mark].TrimStart('(', '[', '"', '\'', '“', '‘');
    }

    private static bool IsAbbreviation(string word)
    {
        if (word.Length == 1 && char.IsUpper(word[0]))
            return true; // an initial
        if (Abbreviations.Contains(word))
            return true;
        // Dotted single letters: "U.S", "e.g", "i.e", "a.m" (the final period is the mark itself).
        string[] parts = word.Split('.');
        return parts.Length >= 2 && parts.All(p => p.Length == 1 && char.IsLetter(p[0]));
    }
}
