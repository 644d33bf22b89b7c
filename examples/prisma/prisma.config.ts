// Prisma 7's CLI configuration: where the schema is (prisma generate needs
// no database; the client connects through the pg driver adapter).
import { defineConfig } from "prisma/config";

export default defineConfig({ schema: "prisma/schema.prisma" });
