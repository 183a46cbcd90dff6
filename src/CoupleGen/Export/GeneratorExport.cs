using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Models;
using CoupleGen.Models.Interop;
using CoupleGen.Training;
using CoupleGen.Weights;
using static TorchSharp.torch;

namespace CoupleGen.Export;

/// <summary>
/// Writes the generator of a training checkpoint alone, for apps that only generate: a training checkpoint also
/// holds the discriminator, both optimizers' states and the random state, about three times the generator's size.
/// </summary>
public static class GeneratorExport
{
    /// <summary>Reads the generator of <paramref name="checkpointPath"/> and writes it to <paramref name="outputPath"/> atomically.</summary>
    /// <param name="checkpointPath">A training checkpoint (or a CoupleGen model file, e.g. to convert it to bfloat16).</param>
    /// <param name="outputPath">The file to write; an existing file is replaced only once the new one is complete.</param>
    /// <param name="options">The format and precision; <see langword="null"/> for <see cref="GeneratorExportOptions.Default"/>.</param>
    /// <exception cref="ArgumentException">A path is empty, or the options contradict each other.</exception>
    /// <exception cref="CheckpointException">The checkpoint is missing, corrupt or not CoupleGen's.</exception>
    /// <exception cref="NotSupportedException">ONNX or PyTorch was asked for a generator other than pix2pix's U-Net (the CoupleGenerator recipe's).</exception>
    /// <exception cref="IOException">The output cannot be written.</exception>
    public static void Export(string checkpointPath, string outputPath, GeneratorExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= GeneratorExportOptions.Default;
        options.Validate();

        var (zip, manifest) = Checkpoint.Open(checkpointPath);
        using (zip)
        {
            using nn.Module<Tensor, Tensor> generator = Pix2PixTrainer.CreateGenerator(manifest.Options);
            Checkpoint.LoadStateDict(checkpointPath, zip, Checkpoint.GeneratorEntry, generator);
            if (options.Format != ModelFileFormat.CoupleGen && generator is not UnetGenerator)
            {
                throw new NotSupportedException($"{options.Format} export takes pix2pix U-Nets (the pix2pix and partner recipes without a ResNet encoder); '{checkpointPath}' holds the {manifest.Options.Recipe} recipe's {generator.GetType().Name}. Export it as a CoupleGen model file.");
            }

            switch (options.Format)
            {
                case ModelFileFormat.Onnx:
                    generator.eval();
                    OnnxExport.ExportGenerator((UnetGenerator)generator, outputPath);
                    break;
                case ModelFileFormat.PyTorch:
                    WeightFile.SavePyTorch(outputPath, generator.state_dict());
                    break;
                default:
                    WriteModelFile(outputPath, manifest, generator, options.Precision);
                    break;
            }
        }
    }

    private static void WriteModelFile(string path, Checkpoint.Manifest manifest, nn.Module generator, ExportPrecision precision)
    {
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> state = generator.state_dict().ToDictionary(
            kv => kv.Key,
            kv => precision == ExportPrecision.BFloat16 && kv.Value.is_floating_point() ? kv.Value.to(ScalarType.BFloat16) : kv.Value);
        var model = manifest with { Kind = Checkpoint.GeneratorKind, CreatedUtc = DateTimeOffset.UtcNow };
        Checkpoint.WriteAtomically(path, output =>
        {
            Checkpoint.WriteManifest(output, model);
            Checkpoint.WriteEntry(output, Checkpoint.GeneratorEntry, stream => SafeTensors.Write(stream, state));
        });
    }
}
