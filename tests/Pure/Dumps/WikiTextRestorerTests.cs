using LlamaJump.Dumps.Corpus;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class WikiTextRestorerTests
{
    [Theory]
    [InlineData(" He had a guest @-@ starring role . ", "He had a guest-starring role.")]
    [InlineData(" a mass of 1 @,@ 000 tonnes ", "a mass of 1,000 tonnes")]
    [InlineData(" weigh 0 @.@ 7 kg ", "weigh 0.7 kg")]
    [InlineData(" film , television and theatre actor . ", "film, television and theatre actor.")]
    [InlineData(" In 2004 ; he starred : here ! Really ? ", "In 2004; he starred: here! Really?")]
    [InlineData(" Teddy 's Story ", "Teddy's Story")]
    [InlineData(" you don 't say , we 're sure they 've gone ", "you don't say, we're sure they've gone")]
    [InlineData(" a length of 60 cm ( 24 in ) and ", "a length of 60 cm (24 in) and")]
    [InlineData(" as \" Craig \" in the episode \" Teddy 's Story \" of ", "as \"Craig\" in the episode \"Teddy's Story\" of")]
    [InlineData(" the players ' union ", "the players' union")]
    [InlineData(" US $ 250 million , or 40 % ", "US $250 million, or 40%")]
    [InlineData(" 5 – 6 kilograms ", "5 – 6 kilograms")]
    public void Restores_spaced_tokens(string wiki, string expected) =>
        Assert.Equal(expected, WikiTextRestorer.Restore(wiki));

    [Theory]
    [InlineData(" = Robert Boulter = ", true)]
    [InlineData(" = = Career = = ", true)]
    [InlineData(" = = = 2000 – 2005 = = = \r", true)]
    [InlineData(" The score was 2 = 2 . ", false)]
    [InlineData("=", false)]
    public void Recognises_headings(string line, bool heading) => Assert.Equal(heading, WikiTextFormat.IsHeading(line));

    [Fact]
    public void Detects_wikitext_but_not_prose()
    {
        Assert.True(WikiTextFormat.LooksLikeWikiText(" He saw it , then left , and came back , again . \n"));
        Assert.True(WikiTextFormat.LooksLikeWikiText("a @-@ b c @,@ d e @.@ f"));
        Assert.False(WikiTextFormat.LooksLikeWikiText("He saw it, then left, and came back, again. Then, quietly, he sat."));
        Assert.False(WikiTextFormat.LooksLikeWikiText("A short text with no commas at all."));
    }
}
