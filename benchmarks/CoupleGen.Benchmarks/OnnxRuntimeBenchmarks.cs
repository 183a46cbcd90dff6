using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Weights;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>The unet_256 forward pass in TorchSharp (baseline) and in ONNX Runtime on the exported model, side by side.</summary>
[MemoryDiagnoser]
public class OnnxRuntimeBenchmarks
{
    private UnetGenerator generator = null!;
    private InferenceSession session = null!;
    private torch.Tensor input = null!;
    private NamedOnnxValue[] onnxInput = null!;
    private string path = string.Empty;

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        generator = new UnetGenerator();
        generator.eval();
        path = Path.Combine(Path.GetTempPath(), $"couplegen-bench-{System.Environment.ProcessId}.onnx");
        OnnxExport.ExportGenerator(generator, path);
        session = new InferenceSession(path);
        input = torch.rand(Batch, 3, 256, 256) * 2 - 1;
        onnxInput = new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input.data<float>().ToArray(), new[] { Batch, 3, 256, 256 })) };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        session.Dispose();
        generator.Dispose();
        input.Dispose();
        File.Delete(path);
    }

    [Benchmark(Baseline = true)]
    public long TorchSharp()
    {
        using var noGrad = torch.no_grad();
        using var output = generator.call(input);
        return output.numel();
    }

    [Benchmark]
    public int OnnxRuntime()
    {
        using var results = session.Run(onnxInput);
        return results.Count;
    }
}
