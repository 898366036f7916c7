import type { SandboxMeal, SandboxNutrients, SandboxServingUnit } from "../provider/records.ts";

export interface Food {
  name: string;
  amount: number;
  unit: SandboxServingUnit;
  /** Per serving (`amount` of `unit`). Unlisted nutrients are zero. */
  nutrients: Partial<SandboxNutrients>;
}

const food = (name: string, amount: number, unit: SandboxServingUnit, nutrients: Partial<SandboxNutrients>): Food => ({ name, amount, unit, nutrients });

/** Approximate label values for common foods; realistic enough for dashboards and validation. */
export const FOODS = {
  oatmeal: food("Oatmeal with berries", 1, "cup", { energyKcal: 310, proteinG: 10, carbsG: 54, fiberG: 8, sugarsG: 12, fatG: 6, saturatedFatG: 1.1, monounsaturatedFatG: 1.8, polyunsaturatedFatG: 2.2, omega3G: 0.1, sodiumMg: 10, potassiumMg: 350, calciumMg: 40, ironMg: 3.4, magnesiumMg: 110, zincMg: 2.5, vitaminCMg: 10, vitaminAUg: 5, folateUg: 30 }),
  yogurt: food("Greek yogurt with honey", 200, "g", { energyKcal: 250, proteinG: 18, carbsG: 30, sugarsG: 28, fatG: 6, saturatedFatG: 3.8, monounsaturatedFatG: 1.6, polyunsaturatedFatG: 0.3, cholesterolMg: 20, sodiumMg: 70, potassiumMg: 300, calciumMg: 230, ironMg: 0.1, magnesiumMg: 22, zincMg: 1, vitaminCMg: 1, vitaminAUg: 60, vitaminDUg: 0.2, vitaminB12Ug: 1.5, folateUg: 14 }),
  eggsOnToast: food("Scrambled eggs on toast", 2, "egg_large", { energyKcal: 360, proteinG: 20, carbsG: 28, fiberG: 3, sugarsG: 3, fatG: 18, saturatedFatG: 6, monounsaturatedFatG: 7, polyunsaturatedFatG: 3, transFatG: 0.1, omega3G: 0.1, cholesterolMg: 380, sodiumMg: 520, potassiumMg: 250, calciumMg: 110, ironMg: 3, magnesiumMg: 40, zincMg: 2, vitaminAUg: 180, vitaminDUg: 2.2, vitaminB12Ug: 1.1, folateUg: 80 }),
  avocadoToast: food("Avocado toast", 1, "piece", { energyKcal: 290, proteinG: 7, carbsG: 30, fiberG: 8, sugarsG: 3, fatG: 17, saturatedFatG: 2.5, monounsaturatedFatG: 10, polyunsaturatedFatG: 2, sodiumMg: 380, potassiumMg: 540, calciumMg: 50, ironMg: 2, magnesiumMg: 45, zincMg: 1, vitaminCMg: 9, vitaminAUg: 8, folateUg: 90 }),
  boiledEggs: food("Boiled eggs", 2, "egg_medium", { energyKcal: 130, proteinG: 11, carbsG: 1, fatG: 9, saturatedFatG: 3, monounsaturatedFatG: 3.5, polyunsaturatedFatG: 1.3, cholesterolMg: 330, sodiumMg: 110, potassiumMg: 120, calciumMg: 45, ironMg: 1.5, magnesiumMg: 10, zincMg: 1, vitaminAUg: 140, vitaminDUg: 1.8, vitaminB12Ug: 0.9, folateUg: 40 }),
  coffee: food("Coffee with milk", 1, "cup", { energyKcal: 40, proteinG: 2, carbsG: 3, sugarsG: 3, fatG: 2, saturatedFatG: 1.2, cholesterolMg: 6, sodiumMg: 30, potassiumMg: 200, calciumMg: 70, magnesiumMg: 10, vitaminDUg: 0.1, vitaminB12Ug: 0.3, caffeineMg: 95 }),
  orangeJuice: food("Orange juice", 250, "ml", { energyKcal: 112, proteinG: 1.7, carbsG: 26, fiberG: 0.5, sugarsG: 21, fatG: 0.5, potassiumMg: 496, calciumMg: 27, magnesiumMg: 27, vitaminCMg: 124, vitaminAUg: 25, folateUg: 74 }),
  milk: food("Milk", 1, "cup", { energyKcal: 122, proteinG: 8, carbsG: 12, sugarsG: 12, fatG: 4.8, saturatedFatG: 3, cholesterolMg: 20, sodiumMg: 115, potassiumMg: 390, calciumMg: 300, magnesiumMg: 27, zincMg: 1, vitaminAUg: 140, vitaminDUg: 2.9, vitaminB12Ug: 1.3 }),
  banana: food("Banana", 1, "piece", { energyKcal: 105, proteinG: 1.3, carbsG: 27, fiberG: 3.1, sugarsG: 14, fatG: 0.4, saturatedFatG: 0.1, potassiumMg: 422, calciumMg: 6, ironMg: 0.3, magnesiumMg: 32, zincMg: 0.2, vitaminCMg: 10, vitaminAUg: 4, folateUg: 24 }),
  apple: food("Apple", 1, "piece", { energyKcal: 95, proteinG: 0.5, carbsG: 25, fiberG: 4.4, sugarsG: 19, fatG: 0.3, potassiumMg: 195, calciumMg: 11, magnesiumMg: 9, vitaminCMg: 8, vitaminAUg: 5, folateUg: 5 }),
  almonds: food("Almonds", 30, "g", { energyKcal: 174, proteinG: 6, carbsG: 6, fiberG: 3.5, sugarsG: 1.2, fatG: 15, saturatedFatG: 1.1, monounsaturatedFatG: 9.5, polyunsaturatedFatG: 3.6, potassiumMg: 210, calciumMg: 80, ironMg: 1.1, magnesiumMg: 80, zincMg: 0.9, folateUg: 13 }),
  mixedNuts: food("Mixed nuts", 1, "oz", { energyKcal: 173, proteinG: 5, carbsG: 6, fiberG: 2, sugarsG: 1.3, fatG: 16, saturatedFatG: 2.2, monounsaturatedFatG: 9, polyunsaturatedFatG: 4, sodiumMg: 90, potassiumMg: 180, calciumMg: 30, ironMg: 1, magnesiumMg: 65, zincMg: 1.4 }),
  proteinShake: food("Whey protein shake", 1, "scoop", { energyKcal: 120, proteinG: 24, carbsG: 3, sugarsG: 1, fatG: 1.5, saturatedFatG: 0.5, cholesterolMg: 30, sodiumMg: 130, potassiumMg: 160, calciumMg: 120, ironMg: 0.5, magnesiumMg: 40, zincMg: 1 }),
  darkChocolate: food("Dark chocolate", 20, "g", { energyKcal: 120, proteinG: 1.6, carbsG: 9, fiberG: 2.2, sugarsG: 5, fatG: 8.5, saturatedFatG: 5, monounsaturatedFatG: 2.5, polyunsaturatedFatG: 0.3, potassiumMg: 140, calciumMg: 15, ironMg: 2.4, magnesiumMg: 45, zincMg: 0.7, caffeineMg: 16 }),
  hummus: food("Hummus with carrots", 150, "g", { energyKcal: 220, proteinG: 7, carbsG: 22, fiberG: 7, sugarsG: 6, fatG: 12, saturatedFatG: 1.5, monounsaturatedFatG: 6, polyunsaturatedFatG: 4, sodiumMg: 450, potassiumMg: 480, calciumMg: 60, ironMg: 2.3, magnesiumMg: 55, zincMg: 1.4, vitaminCMg: 6, vitaminAUg: 700, folateUg: 70 }),
  peanutButter: food("Peanut butter", 2, "tbsp", { energyKcal: 190, proteinG: 7, carbsG: 7, fiberG: 2, sugarsG: 3, fatG: 16, saturatedFatG: 3.3, monounsaturatedFatG: 8, polyunsaturatedFatG: 4, sodiumMg: 140, potassiumMg: 200, calciumMg: 15, ironMg: 0.6, magnesiumMg: 50, zincMg: 0.9, folateUg: 24 }),
  honey: food("Honey", 1, "tsp", { energyKcal: 21, carbsG: 5.7, sugarsG: 5.7 }),
  riceCakes: food("Rice cakes", 2, "piece", { energyKcal: 70, proteinG: 1.5, carbsG: 15, fiberG: 0.8, sodiumMg: 30, potassiumMg: 30, magnesiumMg: 25 }),
  chickenSalad: food("Chicken salad", 1, "piece", { energyKcal: 420, proteinG: 35, carbsG: 15, fiberG: 5, sugarsG: 6, fatG: 24, saturatedFatG: 4, monounsaturatedFatG: 12, polyunsaturatedFatG: 6, omega3G: 0.5, cholesterolMg: 95, sodiumMg: 620, potassiumMg: 700, calciumMg: 80, ironMg: 2.5, magnesiumMg: 60, zincMg: 2.2, vitaminCMg: 25, vitaminAUg: 250, vitaminB12Ug: 0.4, folateUg: 120 }),
  turkeySandwich: food("Turkey sandwich", 1, "piece", { energyKcal: 460, proteinG: 28, carbsG: 48, fiberG: 5, sugarsG: 6, fatG: 16, saturatedFatG: 4, monounsaturatedFatG: 6, polyunsaturatedFatG: 4, cholesterolMg: 55, sodiumMg: 1150, potassiumMg: 450, calciumMg: 150, ironMg: 3.5, magnesiumMg: 50, zincMg: 2.8, vitaminCMg: 4, vitaminAUg: 40, vitaminB12Ug: 0.5, folateUg: 110 }),
  lentilSoup: food("Lentil soup", 1, "cup", { energyKcal: 230, proteinG: 12, carbsG: 36, fiberG: 10, sugarsG: 4, fatG: 4, saturatedFatG: 0.6, monounsaturatedFatG: 1.5, polyunsaturatedFatG: 1, sodiumMg: 640, potassiumMg: 590, calciumMg: 45, ironMg: 4.2, magnesiumMg: 60, zincMg: 1.7, vitaminCMg: 5, vitaminAUg: 150, folateUg: 180 }),
  sushi: food("Salmon sushi rolls", 8, "piece", { energyKcal: 350, proteinG: 14, carbsG: 62, fiberG: 3, sugarsG: 8, fatG: 5, saturatedFatG: 1, monounsaturatedFatG: 2, polyunsaturatedFatG: 1.5, omega3G: 0.6, cholesterolMg: 20, sodiumMg: 800, potassiumMg: 300, calciumMg: 30, ironMg: 1.5, magnesiumMg: 35, zincMg: 1.5, vitaminCMg: 3, vitaminAUg: 80, vitaminDUg: 2, vitaminB12Ug: 1.2, folateUg: 40 }),
  burrito: food("Beef burrito", 1, "piece", { energyKcal: 720, proteinG: 34, carbsG: 80, fiberG: 9, sugarsG: 5, fatG: 28, saturatedFatG: 11, monounsaturatedFatG: 11, polyunsaturatedFatG: 3, transFatG: 0.8, cholesterolMg: 80, sodiumMg: 1450, potassiumMg: 800, calciumMg: 250, ironMg: 6, magnesiumMg: 90, zincMg: 6.5, vitaminCMg: 12, vitaminAUg: 120, vitaminB12Ug: 2, folateUg: 160 }),
  pizza: food("Margherita pizza", 2, "piece", { energyKcal: 560, proteinG: 24, carbsG: 66, fiberG: 4, sugarsG: 7, fatG: 22, saturatedFatG: 10, monounsaturatedFatG: 6, polyunsaturatedFatG: 2, cholesterolMg: 45, sodiumMg: 1200, potassiumMg: 350, calciumMg: 420, ironMg: 3.5, magnesiumMg: 45, zincMg: 3, vitaminCMg: 4, vitaminAUg: 150, vitaminB12Ug: 1, folateUg: 80 }),
  bolognese: food("Spaghetti bolognese", 350, "g", { energyKcal: 620, proteinG: 30, carbsG: 78, fiberG: 7, sugarsG: 10, fatG: 20, saturatedFatG: 7, monounsaturatedFatG: 8, polyunsaturatedFatG: 2, transFatG: 0.4, cholesterolMg: 70, sodiumMg: 780, potassiumMg: 850, calciumMg: 90, ironMg: 5, magnesiumMg: 90, zincMg: 6, vitaminCMg: 18, vitaminAUg: 120, vitaminB12Ug: 2, folateUg: 70 }),
  salmon: food("Grilled salmon with rice", 400, "g", { energyKcal: 640, proteinG: 40, carbsG: 62, fiberG: 2, sugarsG: 1, fatG: 24, saturatedFatG: 5, monounsaturatedFatG: 8, polyunsaturatedFatG: 8, omega3G: 2.5, cholesterolMg: 95, sodiumMg: 420, potassiumMg: 900, calciumMg: 40, ironMg: 1.8, magnesiumMg: 80, zincMg: 1.9, vitaminCMg: 4, vitaminAUg: 60, vitaminDUg: 14, vitaminB12Ug: 4.5, folateUg: 40 }),
  stirFry: food("Vegetable stir-fry with tofu", 350, "g", { energyKcal: 420, proteinG: 22, carbsG: 40, fiberG: 7, sugarsG: 12, fatG: 20, saturatedFatG: 2.5, monounsaturatedFatG: 6, polyunsaturatedFatG: 9, omega3G: 0.8, sodiumMg: 980, potassiumMg: 700, calciumMg: 350, ironMg: 5, magnesiumMg: 110, zincMg: 2.5, vitaminCMg: 60, vitaminAUg: 300, folateUg: 120 }),
  curry: food("Chicken curry with rice", 400, "g", { energyKcal: 680, proteinG: 38, carbsG: 75, fiberG: 4, sugarsG: 8, fatG: 24, saturatedFatG: 9, monounsaturatedFatG: 9, polyunsaturatedFatG: 4, cholesterolMg: 110, sodiumMg: 1000, potassiumMg: 750, calciumMg: 80, ironMg: 3, magnesiumMg: 70, zincMg: 3, vitaminCMg: 10, vitaminAUg: 90, vitaminB12Ug: 0.6, folateUg: 50 }),
  redWine: food("Red wine", 5, "fl_oz", { energyKcal: 125, carbsG: 4, sugarsG: 1, sodiumMg: 6, potassiumMg: 190, calciumMg: 12, ironMg: 0.7, magnesiumMg: 18, alcoholG: 15 }),
} as const satisfies Record<string, Food>;

export type FoodKey = keyof typeof FOODS;

/** What each meal draws from: the main dish, and optional sides with their probability. */
export const MEAL_MENU: Record<SandboxMeal, { mains: readonly FoodKey[]; sides: ReadonlyArray<readonly [FoodKey, number]> }> = {
  breakfast: { mains: ["oatmeal", "yogurt", "eggsOnToast", "avocadoToast", "boiledEggs"], sides: [["coffee", 0.6], ["banana", 0.2], ["orangeJuice", 0.15], ["honey", 0.1]] },
  morning_snack: { mains: ["banana", "apple", "almonds", "proteinShake", "riceCakes"], sides: [["coffee", 0.3]] },
  lunch: { mains: ["chickenSalad", "turkeySandwich", "lentilSoup", "sushi", "burrito", "pizza"], sides: [["apple", 0.2], ["coffee", 0.25]] },
  afternoon_snack: { mains: ["hummus", "mixedNuts", "peanutButter", "proteinShake", "darkChocolate", "apple"], sides: [["milk", 0.15]] },
  dinner: { mains: ["bolognese", "salmon", "stirFry", "curry", "burrito", "pizza", "chickenSalad"], sides: [["redWine", 0.2], ["darkChocolate", 0.15]] },
  snack: { mains: ["darkChocolate", "mixedNuts", "milk", "riceCakes"], sides: [] },
};

/** When each meal happens (local minutes after midnight) and how likely it is on a given day. */
export const MEAL_TIMES: ReadonlyArray<{ meal: SandboxMeal; probability: number; from: number; to: number }> = [
  { meal: "breakfast", probability: 0.9, from: 6 * 60 + 30, to: 9 * 60 },
  { meal: "morning_snack", probability: 0.3, from: 10 * 60, to: 11 * 60 + 30 },
  { meal: "lunch", probability: 0.88, from: 12 * 60, to: 13 * 60 + 30 },
  { meal: "afternoon_snack", probability: 0.45, from: 15 * 60, to: 16 * 60 + 30 },
  { meal: "dinner", probability: 0.95, from: 18 * 60 + 30, to: 20 * 60 + 30 },
  { meal: "snack", probability: 0.2, from: 21 * 60, to: 22 * 60 },
];
