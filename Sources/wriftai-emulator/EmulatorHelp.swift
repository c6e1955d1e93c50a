/// The part of `wriftai-emulator --help` after the abstract.
enum EmulatorHelp {
    static let discussion = """
        Prints `listening on http://HOST:PORT/v1` once it accepts requests (with --port 0, that line names the \
        port picked); SIGINT or SIGTERM stops it. Each --model is created private to its owner, who must be \
        one of the --token users.

        EXAMPLES:
          The API for Examples/config-repo (Examples/README.md walks through it):
            wriftai-emulator --port 8080 --token acme=demo-acme-token --token globex=demo-globex-token \\
              --model acme/sentiment --model acme/assistant --model acme/embeddings --model globex/vision-tagger

          A slow, flaky API, its state kept between runs:
            wriftai-emulator --token-file tokens.txt --state state.json --latency-ms 200 --fail-rate 0.1
        """
}
