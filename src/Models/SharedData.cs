namespace LlamaJump.Models;

/// <summary>Files of the shared data directory beside the repository (<c>../shared</c>) that verbs use as defaults.</summary>
public static class SharedData
{
    /// <summary>The WikiText-2 test file: the default corpus of <c>pipeline</c>, <c>demo</c> and <c>bench dump</c>.</summary>
    public static string DefaultCorpus =>
        Path.Combine(ModelResolver.LocateHome(), "..", "shared", "data", "wikitext-2", "wiki.test.raw");
}
