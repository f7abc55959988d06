Console.WriteLine($"Hello from {Environment.OSVersion} on .NET {Environment.Version}");
