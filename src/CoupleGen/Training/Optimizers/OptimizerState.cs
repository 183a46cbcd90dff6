using System;
using System.Collections.Generic;
using System.IO;
using CoupleGen.Errors;
using CoupleGen.Weights;
using static TorchSharp.torch;

namespace CoupleGen.Training.Optimizers;

/// <summary>Reads an optimizer state stored as safetensors, turning every failure into a <see cref="CheckpointException"/> and disposing what was read.</summary>
internal static class OptimizerState
{
    public static void Load(Stream stream, string checkpointPath, string optimizer, Action<Dictionary<string, Tensor>> apply)
    {
        Dictionary<string, Tensor> loaded;
        try
        {
            loaded = SafeTensors.Read(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new CheckpointException(checkpointPath, $"the {optimizer} state is corrupt ({ex.Message}).", ex);
        }

        try
        {
            apply(loaded);
        }
        finally
        {
            foreach (var tensor in loaded.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
