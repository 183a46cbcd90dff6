using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CoupleGen.Extensions.DependencyInjection;

/// <summary>
/// Checks the settings when the host starts (<c>ValidateOnStart</c>): the model file must exist and be readable,
/// the device must be one libtorch names, and every value in range. Whether the file is a model that fits its
/// manifest is checked by loading it (<see cref="PartnerGeneratorServiceOptions.LoadOnStart"/>).
/// </summary>
internal sealed partial class PartnerGeneratorOptionsValidator : IValidateOptions<PartnerGeneratorServiceOptions>
{
    public ValidateOptionsResult Validate(string? name, PartnerGeneratorServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Checkpoint))
        {
            failures.Add($"{PartnerGeneratorServiceOptions.SectionName}:Checkpoint is not set: name a training checkpoint or an exported model file.");
        }
        else if (Unreadable(options.Checkpoint) is { } cause)
        {
            failures.Add($"{PartnerGeneratorServiceOptions.SectionName}:Checkpoint '{options.Checkpoint}' cannot be read: {cause}");
        }

        if (!string.IsNullOrWhiteSpace(options.Device) && !DeviceName().IsMatch(options.Device))
        {
            failures.Add($"{PartnerGeneratorServiceOptions.SectionName}:Device '{options.Device}' is not cpu, cuda or cuda:N.");
        }

        try
        {
            // Everything but the device, which would start libtorch; the pattern above checked it.
            options.ToGeneratorOptions(resolveDevice: false).Validate();
        }
        catch (ArgumentException ex)
        {
            failures.Add($"{PartnerGeneratorServiceOptions.SectionName}: {ex.Message}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? Unreadable(string path)
    {
        if (!File.Exists(path))
        {
            return Directory.Exists(path) ? "it is a folder, not a file." : "the file does not exist.";
        }

        try
        {
            using FileStream stream = File.OpenRead(path);
            return stream.Length == 0 ? "the file is empty." : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    [GeneratedRegex("^(cpu|cuda(:[0-9]{1,2})?)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DeviceName();
}
