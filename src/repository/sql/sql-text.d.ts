/** Migration files, imported as text (see sql/migrations.ts). */
declare module '*.sql' {
  const text: string;
  export default text;
}
