using System;
using System.IO;
using CoupleGen.Export;

namespace CoupleGen.Demo;

/// <summary>Writes a checkpoint's generator alone: the file apps ship (<see cref="GeneratorExport"/>).</summary>
internal static class ExportCommand
{
    public static int Run(Arguments arguments)
    {
        string checkpoint = arguments.Required("checkpoint");
        string output = arguments.Required("output");
        string format = (arguments.Text("format") ?? FormatOf(output)).ToLowerInvariant();
        string precision = (arguments.Text("precision") ?? "fp32").ToLowerInvariant();
        arguments.RejectUnknown();

        var options = new GeneratorExportOptions
        {
            Format = format switch
            {
                "couplegen" => ModelFileFormat.CoupleGen,
                "onnx" => ModelFileFormat.Onnx,
                "pth" => ModelFileFormat.PyTorch,
                _ => throw new UsageException($"--format is couplegen, onnx or pth, not '{format}'."),
            },
            Precision = precision switch
            {
                "fp32" => ExportPrecision.Fp32,
                "bf16" => ExportPrecision.BFloat16,
                _ => throw new UsageException($"--precision is fp32 or bf16, not '{precision}'."),
            },
        };
        if (options.Precision == ExportPrecision.BFloat16 && options.Format != ModelFileFormat.CoupleGen)
        {
            throw new UsageException("--precision bf16 is for couplegen model files only.");
        }

        GeneratorExport.Export(checkpoint, output, options);
        Console.WriteLine($"{output}: {new FileInfo(output).Length / 1e6:F1} MB ({format}, {precision}; the checkpoint: {new FileInfo(checkpoint).Length / 1e6:F1} MB)");
        return 0;
    }

    /// <summary>The format a file name suggests: .onnx, .pth or .pt, else a CoupleGen model file.</summary>
    private static string FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".onnx" => "onnx",
        ".pth" or ".pt" => "pth",
        _ => "couplegen",
    };
}
