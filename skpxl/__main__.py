from .cli import main

if __name__ == "__main__":   # a spawned pool worker imports this module too
    main()
