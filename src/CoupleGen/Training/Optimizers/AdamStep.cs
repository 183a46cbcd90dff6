using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CoupleGen.Errors;
using TorchSharp;
using TorchSharp.Modules;

namespace CoupleGen.Training.Optimizers;

/// <summary>TorchSharp's Adam behind <see cref="IStepOptimizer"/>; its state is stored in TorchSharp's own format.</summary>
internal sealed class AdamStep : IStepOptimizer
{
    private readonly Adam adam;

    public AdamStep(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2) =>
        adam = torch.optim.Adam(parameters, learningRate, beta1, beta2);

    public double LearningRate
    {
        get => adam.ParamGroups.First().LearningRate;
        set
        {
            foreach (var group in adam.ParamGroups)
            {
                group.LearningRate = value;
            }
        }
    }

    public void ZeroGrad() => adam.zero_grad();

    public void Step() => adam.step();

    public void Save(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        adam.save_state_dict(writer);
    }

    public void Load(Stream stream, string checkpointPath)
    {
        // TorchSharp's reader seeks; a zip entry stream cannot.
        var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        buffer.Position = 0;
        try
        {
            using var reader = new BinaryReader(buffer);
            adam.load_state_dict(reader);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            throw new CheckpointException(checkpointPath, $"the Adam state is corrupt or for another architecture ({ex.Message}).", ex);
        }
    }

    public void Dispose() => adam.Dispose();
}
