using System.Globalization;
using System.Text.Json;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Shortcuts;

namespace LlamaJump.App.Doctor;

/// <summary>What <c>llamajump doctor</c> does: load the patched backend and list its devices, generate greedily on a
/// model where <c>--gpu-layers</c> puts it, load TorchSharp and fit a line; then print a report or the
/// llamajump.doctor/1 JSON object.</summary>
public static class DoctorJob
{
    public static int Run(JobContext context, string model, string prompt, bool json)
    {
        var report = Examine(context, model, prompt);
        if (json)
            context.Out.WriteLine(JsonFields.Indented(report.WriteJson));
        else
            report.WriteText(context.Out);
        return ExitCodes.Success;
    }

    private static DoctorReport Examine(JobContext context, string model, string prompt)
    {
        NativeBackend.Initialize();
        NativeLog.Quiet(context.Error);
        var budget = CpuBudget.Current();
        string path = context.Models.Resolve(model);
        var info = ModelInfo.Read(path);
        var completion = GreedyCompletion.Run(path, prompt, maxTokens: 32);
        TorchRuntime.EnsureLoadable();
        return new DoctorReport(
            NativeBackend.LibraryPath, NativeBackend.BuildKey, NativeAbi.Describe().Count,
            BackendDevices.CompiledGpuBackends(), BackendDevices.List(),
            budget, OpenMpWaiting.Describe(),
            info, ModelPlacement.Describe(info.BlockCount), ThreadPlan.For(new FileInfo(path).Length, null, budget),
            prompt, completion,
            TorchRuntime.Describe(), TorchRuntime.DescribeDevice(), TorchSelfTest.FitLine());
    }

    /// <summary>What doctor found, written as the report or as JSON (schema llamajump.doctor/1).</summary>
    private sealed record DoctorReport(
        string Library, string? BuildKey, int AbiRows, IReadOnlyList<string> GpuBackends, IReadOnlyList<BackendDevice> Devices,
        CpuBudget Budget, string OpenMp,
        ModelInfo Model, (int BlocksOffloaded, bool HeadOffloaded, IReadOnlyList<string> Devices) Placement, ThreadPlan Threads,
        string Prompt, CompletionResult Completion,
        string Torch, TorchDeviceReport TorchDevice, string LeastSquares)
    {
        public void WriteText(TextWriter o)
        {
            o.WriteLine($"native backend   {Library}");
            o.WriteLine($"  build key      {BuildKey ?? "(none recorded)"}");
            o.WriteLine($"  ABI rows       {AbiRows} (llama_jump_abi_*: patched build confirmed)");
            o.WriteLine($"  gpu backends   {(GpuBackends.Count == 0 ? "none (a CPU-only build: GGML_CUDA=1 ./build.sh builds the CUDA backend)" : string.Join(", ", GpuBackends))}");
            foreach (var d in Devices)
                o.WriteLine($"  device         {d.Name} ({d.Backend}, {d.Kind.ToString().ToLowerInvariant()}): {d.Description}{Memory(d)}");
            o.WriteLine($"cpu              {Budget.Describe()}; OpenMP waiting: {OpenMp}");
            o.WriteLine($"model            {Model.FileName} ({Model.Architecture}, {Model.BlockCount} blocks, n_embd {Model.EmbeddingLength}, vocab {Model.VocabSize}, {Model.FileType})");
            o.WriteLine($"  placement      {PlacementText()}");
            o.WriteLine($"  threads        {Threads.Describe()}");
            o.WriteLine($"  greedy         \"{Prompt}\" →{Completion.Text}");
            o.WriteLine($"  speed          {Completion.Tokens.Count} tokens at {Completion.TokensPerSecond.ToString("0", CultureInfo.InvariantCulture)} tokens/s");
            o.WriteLine($"torchsharp       {Torch}");
            o.WriteLine($"  device         {TorchDevice.Summary} (train, pipeline, demo: --device)");
            o.WriteLine($"  least squares  {LeastSquares}");
        }

        public void WriteJson(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("schema", "llamajump.doctor/1");
            w.WriteStartObject("native");
            w.WriteString("library", Library);
            w.WriteString("build_key", BuildKey);
            w.WriteNumber("abi_rows", AbiRows);
            w.WriteStartArray("gpu_backends");
            foreach (var b in GpuBackends)
                w.WriteStringValue(b);
            w.WriteEndArray();
            w.WriteStartArray("devices");
            foreach (var d in Devices)
            {
                w.WriteStartObject();
                w.WriteString("name", d.Name);
                w.WriteString("description", d.Description);
                w.WriteString("backend", d.Backend);
                w.WriteString("kind", d.Kind.ToString().ToLowerInvariant());
                w.WriteNumber("free_bytes", d.FreeBytes);
                w.WriteNumber("total_bytes", d.TotalBytes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("cpu");
            w.WriteNumber("cores", Budget.Cores);
            w.WriteString("budget", Budget.Describe());
            w.WriteString("openmp_waiting", OpenMp);
            w.WriteEndObject();
            w.WriteModel(Model);
            w.WriteStartObject("placement");
            w.WriteNumber("blocks_offloaded", Placement.BlocksOffloaded);
            w.WriteBoolean("head_offloaded", Placement.HeadOffloaded);
            w.WriteStartArray("devices");
            foreach (var d in Placement.Devices)
                w.WriteStringValue(d);
            w.WriteEndArray();
            w.WriteString("threads", Threads.Describe());
            w.WriteEndObject();
            w.WriteStartObject("greedy");
            w.WriteString("prompt", Prompt);
            w.WriteString("text", Completion.Text);
            w.WriteNumber("tokens", Completion.Tokens.Count);
            w.WriteNumber("tokens_per_second", Math.Round(Completion.TokensPerSecond, 1));
            w.WriteEndObject();
            w.WriteStartObject("torch");
            w.WriteString("runtime", Torch);
            w.WriteString("build", TorchDevice.Build);
            w.WriteBoolean("cuda_backend_loads", TorchDevice.CudaBackendLoads);
            w.WriteNumber("cuda_devices", TorchDevice.CudaDevices);
            w.WriteString("auto_device", TorchDevice.Device?.Name);
            w.WriteString("least_squares", LeastSquares);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        private string PlacementText() => Placement.BlocksOffloaded == 0
            ? $"every layer on the CPU (--gpu-layers {ModelPlacement.GpuLayers})"
            : $"{Placement.BlocksOffloaded} of {Model.BlockCount} blocks{(Placement.HeadOffloaded ? " and the head" : "")} on {string.Join(", ", Placement.Devices)}; the rest on the CPU";

        private static string Memory(BackendDevice d) => d.TotalBytes == 0
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $", {d.FreeBytes / 1073741824.0:0.#} of {d.TotalBytes / 1073741824.0:0.#} GiB free");
    }
}
