int main() { return 1; }  // replaced by the real daemon entry point
