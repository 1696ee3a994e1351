using System.Text;
using AwesomeAssertions;
using LLama;
using LLama.Native;
using LLama.Sampling;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.StockReference;

namespace LlamaJump.Tests.Native.Stock;

/// <summary>LLamaSharp's sampling surfaces that reach the patched parts of the ABI: DefaultSamplingPipeline with
/// penalties, DRY (dry_penalty_last_n = -1 maps to n_ctx_train), and a managed custom sampler (llama_sampler_i).</summary>
public sealed class SamplingPipelineTests
{
    private static (LLamaWeights Weights, LLamaContext Context) Load()
    {
        NativeBackend.Initialize();
        var parameters = ReferenceRuns.Parameters(TestPaths.Stories260K);
        var weights = LLamaWeights.LoadFromFile(parameters);
        return (weights, weights.CreateContext(parameters));
    }

    private static List<LLamaToken> Generate(LLamaContext context, BaseSamplingPipeline pipeline, string prompt, int n)
    {
        var batch = new LLamaBatch();
        var promptTokens = context.Tokenize(prompt, addBos: true);
        for (int i = 0; i < promptTokens.Length; i++)
        {
            batch.Add(promptTokens[i], i, LLamaSeqId.Zero, i == promptTokens.Length - 1);
        }
        var generated = new List<LLamaToken>();
        for (int pos = promptTokens.Length; generated.Count < n; pos++)
        {
            context.Decode(batch).Should().Be(DecodeResult.Ok);
            // llama_sampler_sample accepts the token into the chain itself
            var token = pipeline.Sample(context.NativeHandle, batch.TokenCount - 1);
            generated.Add(token);
            batch.Clear();
            batch.Add(token, pos, LLamaSeqId.Zero, true);
        }
        return generated;
    }

    [Fact]
    public void DefaultSamplingPipeline_with_penalties_generates_text()
    {
        var (weights, context) = Load();
        using var _ = weights;
        using var __ = context;
        using var pipeline = new DefaultSamplingPipeline
        {
            RepeatPenalty = 1.3f,
            PenaltyCount = 32,
            FrequencyPenalty = 0.2f,
            PresencePenalty = 0.1f,
            Temperature = 0.8f,
            Seed = 42,
        };

        var tokens = Generate(context, pipeline, "Once upon a time", 40);

        var decoder = new StreamingTokenDecoder(context);
        decoder.AddRange(tokens);
        string text = decoder.Read();
        text.Trim().Length.Should().BeGreaterThan(40);
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length.Should().BeGreaterThan(8);
    }

    [Fact]
    public void A_presence_penalty_acts_exactly_over_its_window()
    {
        // penalty_last_n arrives intact: with an overwhelming presence penalty over the last 8 tokens, greedy decoding
        // never picks a token seen in the previous 8 positions, yet still repeats tokens from further back (a shifted or
        // garbage penalty_last_n would break one of the two)
        const int window = 8;
        var (weights, context) = Load();
        using var _ = weights;
        using var __ = context;
        using var pipeline = new ChainPipeline(chain =>
        {
            chain.AddPenalties(penaltyCount: window, repeat: 1f, freq: 0f, presence: 1e4f);
            chain.AddGreedySampler();
        });

        var tokens = Generate(context, pipeline, "Once upon a time", 60).Select(t => (int)t).ToList();

        bool repeatsBeyondWindow = false;
        for (int i = 1; i < tokens.Count; i++)
        {
            int start = Math.Max(0, i - window);
            tokens.Skip(start).Take(i - start).Should().NotContain(tokens[i], $"token {i} repeats within the penalty window");
            repeatsBeyondWindow |= tokens.Take(start).Contains(tokens[i]);
        }
        repeatsBeyondWindow.Should().BeTrue("tokens older than the window are not penalised");
    }

    [Fact]
    public void A_managed_custom_sampler_runs_inside_the_native_chain()
    {
        var (weights, context) = Load();
        using var _ = weights;
        using var __ = context;
        var greedy = Generate(context, new GreedySamplingPipeline(), "Once upon a time", 10);
        context.NativeHandle.MemoryClear();

        var banned = greedy[0];
        var ban = new BanTokenSampler(banned);
        using var pipeline = new ChainPipeline(chain =>
        {
            chain.AddCustom(ban);
            chain.AddGreedySampler();
        });
        var constrained = Generate(context, pipeline, "Once upon a time", 10);

        ban.AppliedCount.Should().BeGreaterThanOrEqualTo(10, "llama.cpp called the custom sampler's apply for every token");
        ban.AcceptedCount.Should().BeGreaterThanOrEqualTo(10, "and its accept for every sampled token");
        constrained.Should().NotContain(banned);
        constrained[0].Should().NotBe(greedy[0]);
    }

    private sealed class ChainPipeline(Action<SafeLLamaSamplerChainHandle> build) : BaseSamplingPipeline
    {
        protected override SafeLLamaSamplerChainHandle CreateChain(SafeLLamaContextHandle context)
        {
            var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
            build(chain);
            return chain;
        }
    }

    private sealed class BanTokenSampler(LLamaToken banned) : ICustomSampler
    {
        public int AppliedCount { get; private set; }
        public int AcceptedCount { get; private set; }
        public string Name => "ban-token";

        public void Apply(ref LLamaTokenDataArrayNative tokenData)
        {
            AppliedCount++;
            var data = tokenData.Data;
            for (int i = 0; i < data.Length; i++)
            {
                if (data[i].ID == banned)
                {
                    data[i].Logit = float.NegativeInfinity;
                }
            }
        }

        public void Accept(LLamaToken token) => AcceptedCount++;
        public void Reset() { }
        public ICustomSampler Clone() => new BanTokenSampler(banned);
        public void Dispose() { }
    }
}
