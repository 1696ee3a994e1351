using System.Text.Json.Serialization;

namespace LlamaJump.Dumps.Sampling;

/// <summary>Which token of a sentence a sample is taken at. Tokens are the model's tokenization with BOS at
/// index 0; the <em>position</em> is the index of the last token fed to the model, whose hidden states are dumped
/// and whose next token the model predicts. A position is always ≥ 1, so the model sees BOS and at least one
/// token of the sentence.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PositionPolicy>))]
public enum PositionPolicy
{
    /// <summary>Uniform in [1, tokenCount − 1], drawn from the sample's own seed.</summary>
    [JsonStringEnumMemberName("random")] Random,

    /// <summary>The final token: tokenCount − 1.</summary>
    [JsonStringEnumMemberName("last")] Last,
}

public static class PositionPolicyExtensions
{
    /// <summary>The position for a sample whose tokens (BOS included, after any truncation to the context) number
    /// <paramref name="tokenCount"/> ≥ 2. <paramref name="sampleSeed"/> comes from
    /// <see cref="SampleSeed.ForSample"/>; the result depends on nothing else.</summary>
    public static int ChoosePosition(this PositionPolicy policy, ulong sampleSeed, int tokenCount)
    {
        if (tokenCount < 2)
            throw new ArgumentOutOfRangeException(nameof(tokenCount), tokenCount,
                "a sample needs BOS and at least one token of the sentence");
        return policy switch
        {
            PositionPolicy.Random => 1 + new SplitMix64(sampleSeed).NextBelow(tokenCount - 1),
            PositionPolicy.Last => tokenCount - 1,
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
        };
    }

    /// <summary>"random" or "last".</summary>
    public static string Name(this PositionPolicy policy) => policy switch
    {
        PositionPolicy.Random => "random",
        PositionPolicy.Last => "last",
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
    };

    /// <summary>Parses "random" or "last"; throws <see cref="FormatException"/> with a one-line message.</summary>
    public static PositionPolicy ParsePosition(string text) => text switch
    {
        "random" => PositionPolicy.Random,
        "last" => PositionPolicy.Last,
        _ => throw new FormatException($"position '{text}' is not random or last"),
    };
}
